// The service worker under test: one raw ASGI app that exercises every response class.
import { precache } from 'workbox-precaching'
import { cacheNames } from 'workbox-core'
import { serve, type UnhandledStrategy } from '../../../../src/sw/index.js'
import { delay, mock } from '../../../../src/mock/index.js'
import {
  FileResponse,
  HTMLResponse,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  EventSourceResponse,
  Request,
  Response,
  StreamingResponse,
  UJSONResponse,
  lastEventId,
} from '../../../../src/index.js'
import type { ASGIApp, HTTPScope, Receive } from '../../../../src/types.js'
import { requestsApp } from './requests-app.js'

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)
const header = (scope: HTTPScope, name: string) => {
  const found = scope.headers.find(([k]) => latin1(k) === name)
  return found ? latin1(found[1]) : null
}

/** What the worker observed, for the tests to read back. */
const observed: Record<string, unknown> = {}
// The development log's warnings, kept here too: a worker may log before Playwright listens to its console.
const warnings: string[] = []
observed.warnings = warnings
const consoleWarn = console.warn.bind(console)
console.warn = (...args: unknown[]) => {
  warnings.push(args.map(String).join(' '))
  consoleWarn(...args)
}

/** A wait that the client leaving cuts short. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
  })

/**
 * Gates that let a test prove a body streams without timing it: a gated generator makes its next
 * chunk only after the page has said (GET /api/read?gate=G) that it read the one before, so a body
 * held back until its end never gets past the first chunk.
 */
const gates = new Map<string, { read: number; wake?: () => void }>()
const gate = (name: string) => {
  let found = gates.get(name)
  if (!found) gates.set(name, (found = { read: 0 }))
  return found
}
/** Resolves once the page has read `count` chunks of the stream gated by `name`. */
async function pageHasRead(name: string, count: number): Promise<void> {
  const g = gate(name)
  while (g.read < count) await new Promise<void>((resolve) => (g.wake = resolve))
}

async function readBody(receive: Receive): Promise<number[]> {
  const sizes: number[] = []
  for (;;) {
    const message = await receive()
    if (message.type !== 'http.request') break
    sizes.push((message.body as Uint8Array).length)
    if (!message.more_body) break
  }
  return sizes
}

const app: ASGIApp = async (scope, receive, send) => {
  const s = scope as HTTPScope
  const url = new URL(s.path + (s.query_string.length ? `?${latin1(s.query_string)}` : ''), 'http://x')
  const q = url.searchParams
  const answer = (response: ASGIApp) => response(scope, receive, send)
  switch (url.pathname) {
    case '/':
    case '/page':
      return answer(new HTMLResponse(`<!doctype html><title>worker page</title><h1 id="title">Answered by the worker at ${s.path}</h1>`))
    case '/api/echo':
      return answer(new JSONResponse({ id: q.get('id'), method: s.method, path: s.path }))
    case '/api/plain':
      return answer(new PlainTextResponse('Hello, world!', { headers: { 'x-a': '1' } }))
    case '/api/bytes':
      return answer(new Response(new Uint8Array([0, 1, 2, 254, 255]), { mediaType: 'application/octet-stream' }))
    case '/api/ujson':
      return answer(new UJSONResponse({ path: '/a/b', nan: NaN }))
    case '/api/duplicate-headers':
      return answer(new Response('x', { headers: [['x-dup', 'one'], ['x-dup', 'two']] }))
    case '/api/status':
      return answer(new Response(q.has('body') ? 'body' : null, Number(q.get('code'))))
    case '/api/redirect':
      return answer(new RedirectResponse('/api/echo?id=redirected'))
    case '/api/login': {
      const response = new RedirectResponse('/api/cookies/get', { statusCode: 303, headers: { 'x-login': 'ok' } })
      response.setCookie('login', 'yes')
      return answer(response)
    }
    case '/api/stream': {
      const n = Number(q.get('n') ?? 3)
      const delay = Number(q.get('delay') ?? 200)
      const gated = q.get('gate')
      observed.streamFinally = false
      async function* ticks() {
        try {
          for (let i = 0; i < n; i++) {
            if (i && gated) await pageHasRead(gated, i)
            else if (i) await new Promise((r) => setTimeout(r, delay))
            yield `${i}:${Date.now()}\n`
          }
        } finally {
          observed.streamFinally = true
        }
      }
      return answer(new StreamingResponse(ticks(), { mediaType: 'text/plain' }))
    }
    case '/api/sse': {
      // n events `delay` ms apart, numbered on from the last id the client saw, then the end (the
      // client reconnects after `retry` ms). Each connection records what it was told.
      const request = new Request(s, receive)
      const n = Number(q.get('n') ?? 3)
      const delay = Number(q.get('delay') ?? 200)
      const from = Number(lastEventId(request) ?? 0)
      const connections = (observed.sse ??= []) as unknown[]
      connections.push({ header: request.headers.get('last-event-id'), lastEventId: lastEventId(request) })
      const gated = q.get('gate')
      observed.sseFinally = false
      const events = async function* (signal: AbortSignal) {
        try {
          yield { retry: Number(q.get('retry') ?? 100), comment: 'hello' }
          for (let i = from + 1; i <= from + n; i++) {
            if (i > from + 1 && gated) await pageHasRead(gated, i - from - 1)
            else if (i > from + 1) await sleep(delay, signal)
            yield { id: String(i), event: q.get('event') ?? undefined, data: `${i}\n${Date.now()}` }
          }
        } finally {
          observed.sseFinally = true
        }
      }
      return answer(new EventSourceResponse(events))
    }
    case '/api/read': {
      const g = gate(q.get('gate') ?? '')
      g.read++
      g.wake?.()
      return answer(new PlainTextResponse(String(g.read)))
    }
    case '/api/upload':
      return answer(new JSONResponse({ sizes: await readBody(receive) }))
    case '/api/observed':
      return answer(new JSONResponse(observed))
    case '/api/cookies/set': {
      const response = new PlainTextResponse('set')
      response.setCookie('theme', q.get('theme') ?? 'dark')
      response.setCookie('session', q.get('session') ?? 'secret-token', { httpOnly: true })
      return answer(response)
    }
    case '/api/cookies/delete': {
      const response = new PlainTextResponse('deleted')
      response.deleteCookie('theme')
      response.deleteCookie('session', { httpOnly: true })
      return answer(response)
    }
    case '/api/cookies/get':
      observed.cookie = header(s, 'cookie')
      return answer(new JSONResponse({ cookie: header(s, 'cookie') }))
    // Cookie security (issue 15): one cookie of each SameSite, many cookies, one the browser refuses.
    case '/api/cookies/samesite': {
      const response = new PlainTextResponse('set')
      response.setCookie('strict', '1', { sameSite: 'strict' })
      response.setCookie('lax', '1', { sameSite: 'lax' })
      response.setCookie('none', '1', { sameSite: 'none', secure: true })
      response.setCookie('session', '1', { httpOnly: true })
      return answer(response)
    }
    case '/api/cookies/many': {
      const response = new PlainTextResponse('set')
      for (let i = 0; i < Number(q.get('n')); i++) response.setCookie(`c${i}`, 'x'.repeat(100))
      return answer(response)
    }
    case '/api/cookies/one': {
      // One HttpOnly cookie (?name, ?value), deleted with ?delete: only the worker's jar holds it.
      // SameSite=None: frames get it too (the jar counts a frame's requests as cross-site).
      const response = new PlainTextResponse('set')
      const options = { httpOnly: true, sameSite: 'none', secure: true } as const
      if (q.has('delete')) response.deleteCookie(q.get('name')!, options)
      else response.setCookie(q.get('name')!, q.get('value')!, options)
      return answer(response)
    }
    case '/api/cookies/refused':
      // A tab inside a value: a browser keeps it from Set-Cookie, Chromium's Cookie Store API refuses the copy.
      return answer(new PlainTextResponse('set', { headers: { 'set-cookie': 'tab=1\t2; Path=/' } }))
    case '/files/precached':
      return answer(new FileResponse(`cache://${encodeURIComponent(cacheNames.precache)}/static/precached.txt`))
    case '/files/download':
      return answer(new FileResponse('idb://files/report.txt', { filename: 'rapport final é.txt' }))
    case '/api/error':
      throw new Error('deliberate failure in the app')
    case '/api/forever':
      // Never answers; the page's abort (forwarded by the fixture) ends the wait and runs the finally.
      observed.foreverFinally = false
      // Whether the browser itself told the worker that the page gave up.
      observed.foreverDisconnect = false
      void (async () => {
        while ((await receive()).type !== 'http.disconnect');
        observed.foreverDisconnect = true
      })()
      try {
        await delay('infinite', layer?.signalOf(s))
      } finally {
        observed.foreverFinally = true
      }
      return answer(new PlainTextResponse('unreachable'))
    default:
      // /files/idb/KEY and /files/cache/PATH serve what the page stored there.
      if (url.pathname.startsWith('/files/idb/')) return answer(new FileResponse(`idb://files/${url.pathname.slice('/files/idb/'.length)}`))
      if (url.pathname.startsWith('/files/cache/')) return answer(new FileResponse(`cache://assets/${url.pathname.slice('/files/cache/'.length)}`))
      if (url.pathname.startsWith('/files/cookie/')) {
        // A file whose response sets the cookie named by ?name, whatever the answer (200, 304, 412, 416).
        const response = new FileResponse(`idb://files/${url.pathname.slice('/files/cookie/'.length)}`)
        response.setCookie(q.get('name') ?? 'seen', '1')
        return answer(response)
      }
      if (url.pathname.startsWith('/api/requests/')) return answer(requestsApp)
      return answer(new PlainTextResponse('Not Found', 404))
  }
}

// A Workbox-precached entry, keyed with its __WB_REVISION__ parameter, for FileResponse to find.
precache([{ url: '/static/precached.txt', revision: 'r1' }])

// Which paths woke the worker, to tell static routing from an unanswered fetch event.
const fetchEvents: string[] = (observed.fetchEvents = [])
addEventListener('fetch', (event) => void fetchEvents.push(new URL((event as Event & { request: Request }).request.url).pathname))

const variant = new URLSearchParams(location.search)
// With ?deafcookies, the worker's Cookie Store acts as Firefox's has been seen to: it keeps nothing.
if (variant.has('deafcookies')) {
  Object.defineProperty(self, 'cookieStore', { value: { getAll: async () => [], set: async () => {}, delete: async () => {} } })
}
// With ?mock, the app behind the mock layer (issue 17), with two scenarios; ?unhandled picks onUnhandledRequest.
const layer = variant.has('mock')
  ? mock(app, {
      scenarios: {
        empty: [{ method: 'GET', path: '/api/echo', json: { id: null, scenario: 'empty' } }],
        down: [{ path: '/api/{rest:path}', status: 503, text: 'the server is down' }],
      },
    })
  : undefined
const unhandledVariant = variant.get('unhandled')
const onUnhandledRequest: UnhandledStrategy | undefined =
  unhandledVariant === 'fn'
    ? (request) => (request.url.endsWith('/network/answer-me') ? new globalThis.Response(`answered by the function: ${request.method}`) : undefined)
    : (unhandledVariant as 'bypass' | 'warn' | 'error' | null) ?? undefined
const served = serve(layer ?? app, {
  onUnhandledRequest,
  // With ?prefix, a string match (so static routes); otherwise /network/ etc. stay with the server.
  match: variant.has('prefix')
    ? '/api/'
    : (url) =>
        // With ?foreign, it also answers another host's /api/ (cookies must not cross over).
        (url.origin === location.origin || (variant.has('foreign') && url.hostname === 'localhost' && url.pathname.startsWith('/api/'))) &&
        !/^\/(network|assets|static|media|cross-site)\//.test(url.pathname) &&
        url.pathname !== '/sw.js' &&
        url.pathname !== '/index.html',
  debug: variant.has('debug'),
  onError: () => {},
  // With ?preload, navigations left to the network ride the navigation preload.
  ...(variant.has('preload') && { navigationPreload: true }),
})
// With ?events, the worker keeps its own request events for the tests to read back.
if (variant.has('events')) served.events.on('*', (event) => void ((observed.events ??= []) as unknown[]).push(event))
