/** The frame around every page the worker renders, and the cookies that come with it. */
import { HTMLResponse, type Request } from '../../src/index.js'
import { csrfField, csrfToken, withCSRFCookie } from './csrf.js'
import { html, raw, type SafeHTML } from './html.js'
import { pages } from 'swasgi:build'

/** The page bundle (script and stylesheets) every rendered page loads. */
const PAGE = pages['index.html']

export type Theme = 'system' | 'light' | 'dark'
export const THEMES: Theme[] = ['system', 'light', 'dark']

/** The theme the `theme` cookie asks for. */
export function themeOf(request: Request): Theme {
  const theme = request.cookies.theme as Theme
  return THEMES.includes(theme) ? theme : 'system'
}

/** The HttpOnly session id: `<started, base 36>.<random>`, or undefined before the first page. */
export function sessionOf(request: Request): { id: string; started: Date } | undefined {
  const id = request.cookies.sid
  if (!id || !/^[0-9a-z]+\.[0-9a-f]+$/.test(id)) return undefined
  return { id, started: new Date(parseInt(id.split('.')[0], 36)) }
}

const SESSION_DAYS = 30

/** Gives a response the session cookie when the request had none (HttpOnly: only the worker sees it). */
export function withSession<R extends HTMLResponse>(request: Request, response: R): R {
  if (!sessionOf(request)) {
    const id = `${Date.now().toString(36)}.${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
    response.setCookie('sid', id, { httpOnly: true, sameSite: 'lax', maxAge: SESSION_DAYS * 86_400 })
  }
  return response
}

const ICONS = {
  logo: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 3h9l5 5v13H6z" fill="currentColor" opacity=".18"/><path d="M6 3h9l5 5v13H6zM15 3v5h5M9 12h8M9 16h6" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>',
  moon: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>',
  sun: '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="4" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>',
}

const NAV: [href: string, label: string, page: string][] = [
  ['/', 'Notes', 'home'],
  ['/notes/new', 'New note', 'new'],
  ['/export', 'Export', 'export'],
  ['/explorer', 'Explorer', 'explorer'],
  ['/settings', 'Settings', 'settings'],
]

/** What a page tells the frame. */
export interface PageOptions {
  title: string
  /** Which page this is: marks the nav link and tells the page script what to wire up. */
  page: string
  body: SafeHTML
  statusCode?: number
  /** A one-line confirmation shown above the page ("Note saved"). */
  flash?: string
}

/** A whole HTML page, as an `HTMLResponse` carrying the session and CSRF cookies. */
export function renderPage(request: Request, { title, page, body, statusCode = 200, flash }: PageOptions): HTMLResponse {
  const theme = themeOf(request)
  const token = csrfToken(request)
  const next = theme === 'dark' ? 'light' : 'dark'
  const here = request.url.pathname + request.url.search
  const document = html`<!doctype html>
<html lang="en" data-theme="${theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Notes</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="manifest" href="/manifest.webmanifest">
<meta name="theme-color" content="#4f46e5">
<meta name="csrf-token" content="${token}">
${PAGE.styles.map((href) => html`<link rel="stylesheet" href="${href}">`)}
${PAGE.scripts.map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body data-page="${page}">
<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/">${raw(ICONS.logo)}<span>Notes</span></a>
    <nav class="nav" aria-label="Main">
      ${NAV.map(([href, label, key]) => html`<a href="${href}"${key === page ? raw(' aria-current="page"') : ''}>${label}</a>`)}
    </nav>
    <div class="topbar-end">
      <span class="net" data-net role="status" title="Whether the server can be reached">Online</span>
      <form method="post" action="/settings/theme" class="theme-toggle">
        ${csrfField(token)}
        <input type="hidden" name="theme" value="${next}">
        <input type="hidden" name="next" value="${here}">
        <button type="submit" class="icon-button" aria-label="Switch to the ${next} theme" title="Switch to the ${next} theme">${raw(next === 'dark' ? ICONS.moon : ICONS.sun)}</button>
      </form>
    </div>
  </div>
</header>
<main class="container">
${flash ? html`<p class="flash" role="status" data-flash>${flash}</p>` : ''}
${body}
</main>
<footer class="footer container">
  <span>Rendered by the swasgi app in your service worker · <a href="/health">/health</a></span>
  <span class="muted">build ${__DEMO_BUILD__.slice(0, 16).replace('T', ' ')}</span>
</footer>
</body>
</html>
`
  return withCSRFCookie(request, withSession(request, new HTMLResponse(document.value, statusCode)))
}

/** A page for an error the visitor should see (404 note, 400 form), in the app's own frame. */
export function errorPage(request: Request, statusCode: number, message: string): HTMLResponse {
  const heading = statusCode === 404 ? 'Not found' : statusCode >= 500 ? 'Something went wrong' : 'That did not work'
  return renderPage(request, {
    title: heading,
    page: 'error',
    statusCode,
    body: html`<section class="empty error-state">
  <p class="status-code">${statusCode}</p>
  <h1>${heading}</h1>
  <p>${message}</p>
  <p><a class="button" href="/">Back to your notes</a></p>
</section>`,
  })
}
