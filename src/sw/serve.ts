import { clientsClaim } from 'workbox-core/clientsClaim.js'
import type { ASGIApp } from '../types.js'
import { CLAIM_MESSAGE } from '../messages.js'
import { CookieJar, type RequestSite } from './cookie-jar.js'
import { handle, type HandleOptions } from './handle.js'
import { matcher, type RequestFilter } from './filter.js'
import { siteTeller, type ClientsLike } from './same-site.js'

/** Options of `serve()`. */
export interface ServeOptions {
  /** The requests the app answers; others never reach it (no `respondWith`). See the README for defaults. */
  match?: RequestFilter
  /** Claim open pages and skip waiting on install (default true). */
  claim?: boolean
  /** Keep the app's cookies in the worker's jar (default true); false leaves `set-cookie` headers as they are. */
  cookies?: boolean
}

// The few service-worker types used here, declared locally so that this file also compiles
// against the DOM lib (the adapter and its tests share one program).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  readonly clientId: string
  readonly resultingClientId?: string
  respondWith(response: Promise<Response>): void
}
interface WorkerScope {
  readonly location: { origin: string; href: string }
  readonly clients: ClientsLike & { claim(): Promise<void> }
  skipWaiting(): Promise<void>
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
  addEventListener(type: 'install', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'message', listener: (event: ExtendableEvent & { data: { type?: string } | null }) => void): void
}
declare const self: WorkerScope
declare const process: { env: { NODE_ENV?: string } }


/**
 * Workbox-style development log line; `process.env.NODE_ENV` is replaced at build time, so the
 * call disappears from production bundles. (Workbox's own logger touches `self` on import, which
 * would break `handle()` in Node.)
 */
function devLog(level: 'log' | 'warn', ...args: unknown[]): void {
  if (process.env.NODE_ENV !== 'production') console[level]('%cswasgi', 'background:#2c3e50;color:#fff;border-radius:3px;padding:1px 4px', ...args)
}

/** Static routes that send what a string `match` rules out to the network without waking the worker. */
function staticRoutes(match: RequestFilter | undefined): unknown[] | null {
  const URLPatternCtor = (globalThis as { URLPattern?: new (init: { pathname: string }) => unknown }).URLPattern
  if (typeof match !== 'string' || !URLPatternCtor) return null
  const pathname = `${match.replace(/[\\:*?+(){}]/g, '\\$&')}*`
  return [{ condition: { not: { urlPattern: new URLPatternCtor({ pathname }) } }, source: 'network' }]
}

/**
 * Installs the `fetch` listener that answers the requests `opts.match` selects with `app`;
 * everything else goes to the network untouched.
 */
export function serve(app: ASGIApp, opts: ServeOptions & HandleOptions = {}): void {
  const jar = opts.cookies === false ? null : new CookieJar()
  // Read the stored cookies while the worker starts: the request that woke it needs them (errors show there).
  jar?.all().catch(() => {})
  // handle() passes the cookie callbacks the request only; its FetchEvent tells who sent it.
  const sites = new WeakMap<Request, () => Promise<RequestSite>>()
  const tell = siteTeller(self.clients)
  const siteOf = (request: Request) => sites.get(request) ?? { sameSite: false, topLevel: false, method: request.method }
  const handler = handle(app, {
    ...opts,
    ...(jar && {
      cookie: (request) => jar.cookieHeader(new URL(request.url), siteOf(request)),
      onSetCookie: (cookies, request) => jar.setCookies(cookies, new URL(request.url), siteOf(request)),
    }),
  })
  const owns = matcher(opts.match, app, self.location.origin, self.location.href, opts.rootPath)

  self.addEventListener('fetch', (event) => {
    const request = event.request
    // Decided synchronously; the request is answered as it is (rebuilding one drops headers like Range).
    if (!owns(new URL(request.url), request)) return
    if (jar) {
      let site: Promise<RequestSite> | undefined
      sites.set(request, () => (site ??= tell(event)))
    }
    if (process.env.NODE_ENV !== 'production') {
      const started = performance.now()
      event.respondWith(
        handler(request, event).then((response) => {
          const path = new URL(request.url).pathname
          devLog('log', `${request.method} ${path} → ${response.status} (${(performance.now() - started).toFixed(1)} ms)`)
          return response
        }),
      )
      return
    }
    event.respondWith(handler(request, event))
  })

  self.addEventListener('install', (event) => {
    const routes = staticRoutes(opts.match)
    const install = event as ExtendableEvent & { addRoutes?: (routes: unknown[]) => Promise<void> }
    if (routes && install.addRoutes) event.waitUntil(install.addRoutes(routes).catch((error) => devLog('warn', 'addRoutes failed', error)))
    if (opts.claim !== false) void self.skipWaiting()
  })
  if (opts.claim === false) return
  clientsClaim()
  // A page that a hard reload left uncontrolled asks to be claimed (see register()).
  self.addEventListener('message', (event) => {
    if (event.data?.type === CLAIM_MESSAGE) event.waitUntil(self.clients.claim())
  })
}
