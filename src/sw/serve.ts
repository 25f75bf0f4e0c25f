import { clientsClaim } from 'workbox-core/clientsClaim.js'
import type { ASGIApp } from '../types.js'
import { CLAIM_MESSAGE, COOKIES_HELLO, COOKIES_REPORT } from '../messages.js'
import { CookieJar, type CookieStoreLike, type RequestSite } from './cookie-jar.js'
import { cookieStoreWorks, PageCookies, PROBE, type PageClientsLike } from './page-cookies.js'
import { handle, logError, type HandleOptions } from './handle.js'
import { matcher, type RequestFilter } from './filter.js'
import { siteTeller, type ClientsLike } from './same-site.js'
import { RequestEvents } from './events.js'
import { pageChannel, type PageClients } from './control.js'
import { closestRoute, countsAsUnhandled, describeUnhandled, type UnhandledStrategy } from './unhandled.js'

/** Options of `serve()`. */
export interface ServeOptions {
  /** The requests the app answers; others never reach it (no `respondWith`). See the README for defaults. */
  match?: RequestFilter
  /** Claim open pages and skip waiting on install (default true). */
  claim?: boolean
  /** Keep the app's cookies in the worker's jar (default true); false leaves `set-cookie` headers as they are. */
  cookies?: boolean
  /** What to do with a `fetch()` that `match` leaves to the network: 'bypass' (default), 'warn', 'error' or a function (see `UnhandledStrategy`). */
  onUnhandledRequest?: UnhandledStrategy
  /**
   * Navigation preload: true enables it as the worker activates, so that a navigation `match`
   * leaves to the network is already on its way while a stopped worker starts; the worker answers
   * it with that response. The price: the server also gets a request (with the header
   * `Service-Worker-Navigation-Preload: true`) for every navigation the app answers itself, and
   * where workers start fast it is slower than no preload (docs/benchmarks.md). false disables
   * it; unset leaves the registration as it is. See docs/service-worker.md.
   */
  navigationPreload?: boolean
}

/** What `serve()` returns. */
export interface Served {
  /** Request lifecycle events (`request:start`, `request:end`, `request:unhandled`, `request:error`). */
  readonly events: RequestEvents
}

// The few service-worker types used here, declared locally so that this file also compiles
// against the DOM lib (the adapter and its tests share one program).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void
}
interface MessageEvent extends ExtendableEvent {
  readonly data: { type?: string; cookie?: unknown; gone?: unknown } | null
  readonly source: { id: string } | null
  readonly ports: readonly MessagePort[]
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  readonly clientId: string
  readonly resultingClientId?: string
  /** Where navigation preload is on, the network's answer to this navigation (undefined when it is off). */
  readonly preloadResponse?: Promise<Response | undefined>
  respondWith(response: Promise<Response>): void
}
interface NavigationPreload {
  enable(): Promise<void>
  disable(): Promise<void>
}
interface WorkerScope {
  readonly location: { origin: string; href: string }
  readonly registration?: { readonly navigationPreload?: NavigationPreload }
  readonly clients: ClientsLike & PageClientsLike & PageClients & { claim(): Promise<void> }
  readonly cookieStore?: CookieStoreLike
  skipWaiting(): Promise<void>
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
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
 * Probes once whether the worker's Cookie Store reaches the browser's jar; where it does not,
 * returns the page sync that stands in for it. Listens for the pages' cookie messages.
 */
function syncThroughPages(): () => Promise<PageCookies | null> {
  let verdict: Promise<PageCookies | null> | undefined
  const worker = self
  // Called from events only: never while the script is evaluated (see serve()).
  const sync = () =>
    (verdict ??= cookieStoreWorks(worker.cookieStore).then((works) => {
      if (works) return null
      devLog(
        'warn',
        "this browser's Cookie Store API does not reach its cookie jar from the worker: pages running register() report document.cookie " +
          "to the app and write the app's non-HttpOnly cookies into it (pages that do not run register() neither see nor send them; see the README's Cookies)",
      )
      return new PageCookies(worker.clients, { cookieStore: worker.cookieStore })
    }))
  worker.addEventListener('message', (event) => {
    const data = event.data
    if (typeof data?.cookie !== 'string' || !event.source) return
    const source = event.source
    if (data.type === COOKIES_HELLO) {
      const port = event.ports[0]
      event.waitUntil(sync().then(async (pages) => port?.postMessage(pages ? await pages.hello(source.id, data.cookie as string) : [])))
    } else if (data.type === COOKIES_REPORT) {
      event.waitUntil(sync().then((pages) => pages?.report(data.cookie as string, source.id, data.gone === true)))
    }
  })
  return sync
}

/**
 * The browser's jar as one request sees it: the worker's Cookie Store where the probe says it
 * works, else the pages'. Once the verdict is in (`settled`), that jar itself; until then, one
 * that reads the worker's store at once and waits for `verdict` to pick, so that a restarted
 * worker's first request waits for the slower of the two, not for both in turn.
 */
export function browserJar(
  verdict: Promise<PageCookies | null>,
  store: CookieStoreLike | undefined,
  clientId: string,
  settled?: PageCookies | null,
): CookieStoreLike {
  if (settled !== undefined) return settled ? settled.storeFor(clientId) : store!
  let chosen: Promise<CookieStoreLike> | undefined
  // One store per request: the pages' sync sends all the cookies of one response in one message.
  const pick = () => (chosen ??= verdict.then((pages) => pages?.storeFor(clientId) ?? store!))
  return {
    getAll(options) {
      const direct = store?.getAll(options).then((cookies) => cookies.filter((cookie) => cookie.name !== PROBE))
      direct?.catch(() => {}) // unused where the pages answer
      return verdict.then((pages) => (pages ? pick().then((pagesJar) => pagesJar.getAll(options)) : direct!))
    },
    set: async (cookie) => (await pick()).set(cookie),
    delete: async (cookie) => (await pick()).delete(cookie),
  }
}

/**
 * Installs the `fetch` listener that answers the requests `opts.match` selects with `app`;
 * everything else goes to the network untouched.
 */
export function serve(app: ASGIApp, opts: ServeOptions & HandleOptions = {}): Served {
  const events = new RequestEvents()
  const ids = new WeakMap<Request, number>()
  let lastId = 0
  const onError = opts.onError ?? logError
  const jar = opts.cookies === false ? null : new CookieJar()
  // Read the stored cookies while the worker starts: the request that woke it needs them (errors show there).
  jar?.all().catch(() => {})
  // handle() passes the cookie callbacks the request only; its FetchEvent tells who sent it.
  const sites = new WeakMap<Request, () => Promise<RequestSite>>()
  const clientOf = new WeakMap<Request, string>()
  const tell = siteTeller(self.clients)
  const siteOf = (request: Request) => sites.get(request) ?? { sameSite: false, topLevel: false, method: request.method }
  const pages = jar && syncThroughPages()
  // Probe the worker's Cookie Store while the worker starts too (the first request needs the
  // verdict), but in the next task: Chromium gives a restarted worker that touches `self.cookieStore`
  // while its script is being evaluated a dead one (every read [], every write refused) in about
  // two starts of three. A fetch event that comes first starts the probe itself.
  let settled: PageCookies | null | undefined
  if (pages) setTimeout(() => void pages().then((verdict) => (settled = verdict)))
  const browserFor = (request: Request) => (pages ? browserJar(pages(), self.cookieStore, clientOf.get(request) ?? '', settled) : undefined)
  const withCredentials = (request: Request, url: URL) => request.credentials === 'include' || (request.credentials !== 'omit' && url.origin === self.location.origin)
  const handler = handle(app, {
    ...opts,
    onError: (error, request) => {
      if (events.active) events.emit({ type: 'request:error', id: ids.get(request) ?? 0, method: request.method, url: request.url, error: error instanceof Error ? error.message : String(error) })
      onError(error, request)
    },
    // As the Fetch standard has it: a request with credentials 'omit' (or 'same-origin' to another
    // origin) sends no cookies, and the Set-Cookie of its response is ignored.
    ...(jar && {
      cookie: async (request) => {
        const url = new URL(request.url)
        return withCredentials(request, url) ? jar.cookieHeader(url, siteOf(request), undefined, browserFor(request)) : ''
      },
      onSetCookie: async (cookies, request) => {
        const url = new URL(request.url)
        if (withCredentials(request, url)) await jar.setCookies(cookies, url, siteOf(request), undefined, browserFor(request))
      },
    }),
  })
  const owns = matcher(opts.match, app, self.location.origin, self.location.href, opts.rootPath)
  // Timing and ids cost something per request: only when someone listens.
  const answer = (request: Request, event: FetchEvent): Promise<Response> => {
    if (!events.active) return handler(request, event)
    const base = { id: ++lastId, method: request.method, url: request.url }
    ids.set(request, base.id)
    const started = performance.now()
    events.emit({ type: 'request:start', ...base })
    return handler(request, event).then((response) => {
      events.emit({ type: 'request:end', ...base, status: response.status, ms: performance.now() - started })
      return response
    })
  }
  const strategy = opts.onUnhandledRequest ?? 'bypass'
  const unhandled = (event: FetchEvent) => {
    const request = event.request
    if ((strategy === 'bypass' && !events.active) || !countsAsUnhandled(request, self.location.href)) return
    if (events.active) events.emit({ type: 'request:unhandled', id: ++lastId, method: request.method, url: request.url })
    if (strategy === 'bypass') return
    const closest = closestRoute(app, new URL(request.url).pathname)
    if (typeof strategy === 'function') {
      const response = strategy(request, closest)
      if (response) event.respondWith(Promise.resolve(response))
      return
    }
    const text = describeUnhandled(request, closest)
    if (strategy === 'warn') console.warn(text)
    else if (strategy === 'error') {
      console.error(text)
      event.respondWith(Promise.resolve(new Response(text, { status: 501, headers: { 'content-type': 'text/plain; charset=utf-8' } })))
    }
  }

  const preloading = opts.navigationPreload === true
  self.addEventListener('fetch', (event) => {
    const request = event.request
    // Decided synchronously; the request is answered as it is (rebuilding one drops headers like Range).
    if (!owns(new URL(request.url), request)) {
      // A navigation left to the network: the preload is that very request, already under way.
      const preloaded = preloading && request.mode === 'navigate' ? event.preloadResponse : undefined
      if (preloaded) return event.respondWith(preloaded.then((response) => response ?? fetch(request)))
      return unhandled(event)
    }
    // The app answers: the preload's answer is not needed, but is let finish (else Chromium warns it was cancelled).
    if (preloading && event.preloadResponse) event.waitUntil(event.preloadResponse.catch(() => {}))
    if (jar) {
      let site: Promise<RequestSite> | undefined
      sites.set(request, () => (site ??= tell(event)))
      // A navigation's page has no client yet ('').
      if (request.mode !== 'navigate') clientOf.set(request, event.clientId)
    }
    if (process.env.NODE_ENV !== 'production') {
      const started = performance.now()
      event.respondWith(
        answer(request, event).then((response) => {
          const path = new URL(request.url).pathname
          devLog('log', `${request.method} ${path} → ${response.status} (${(performance.now() - started).toFixed(1)} ms)`)
          return response
        }),
      )
      return
    }
    event.respondWith(answer(request, event))
  })

  self.addEventListener('install', (event) => {
    // Static routes keep unmatched requests from the worker, which must see them to report them.
    const routes = strategy === 'bypass' ? staticRoutes(opts.match) : null
    const install = event as ExtendableEvent & { addRoutes?: (routes: unknown[]) => Promise<void> }
    if (routes && install.addRoutes) event.waitUntil(install.addRoutes(routes).catch((error) => devLog('warn', 'addRoutes failed', error)))
    if (opts.claim !== false) void self.skipWaiting()
  })
  if (opts.navigationPreload !== undefined) {
    // Five lines of the platform API; workbox-navigation-preload does the same, but its logger touches `self` on import.
    self.addEventListener('activate', (event) => {
      const preload = self.registration?.navigationPreload
      if (preload) event.waitUntil((preloading ? preload.enable() : preload.disable()).catch((error) => devLog('warn', 'navigation preload', error)))
    })
  }
  const fromPage = pageChannel(app, events, self.clients)
  self.addEventListener('message', (event) => void fromPage(event))
  if (opts.claim === false) return { events }
  clientsClaim()
  // A page that a hard reload left uncontrolled asks to be claimed (see register()).
  self.addEventListener('message', (event) => {
    if (event.data?.type === CLAIM_MESSAGE) event.waitUntil(self.clients.claim())
  })
  return { events }
}
