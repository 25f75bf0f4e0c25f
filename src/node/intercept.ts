/** The app answers `fetch` in Node (Vitest, Jest) as its service worker would in the browser. */
import type { UseStore } from 'idb-keyval'
import type { ASGIApp } from '../types.js'
import { handle, type HandleOptions } from '../sw/handle.js'
import { matcher, type RequestFilter } from '../sw/filter.js'
import { CookieJar } from '../sw/cookie-jar.js'

/** Options of `intercept()`. */
export interface InterceptOptions extends HandleOptions {
  /** The origin the app stands in for, as a page's origin; relative URLs resolve against it. */
  origin: string
  /** Which requests the app answers, as `serve()`'s `match`; others go to the network. */
  match?: RequestFilter
  /** Keep the app's cookies in a jar (default true), as the worker does; false leaves `set-cookie` headers alone. */
  cookies?: boolean
}

/** A running interception: `close()` puts the original `fetch` back. */
export interface Interception {
  /** The cookie jar (in memory), or null with `cookies: false`. */
  readonly cookies: CookieJar | null
  /** Stops answering: `globalThis.fetch` is the original again. */
  close(): void
}

const REDIRECT = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 20

/** An idb-keyval store in a Map, so that the jar keeps its cookies in memory (values are cloned, as IndexedDB does). */
function memoryStore(): UseStore {
  const data = new Map<IDBValidKey, unknown>()
  // What idb-keyval's promisifyRequest reads: a result, then onsuccess/oncomplete called later.
  const done = (result: unknown) => {
    const request = { result } as { result: unknown; onsuccess?: () => void; oncomplete?: () => void }
    queueMicrotask(() => (request.onsuccess ?? request.oncomplete)?.())
    return request
  }
  const store = {
    get: (key: IDBValidKey) => done(structuredClone(data.get(key))),
    put: (value: unknown, key: IDBValidKey) => (data.set(key, structuredClone(value)), done(key)),
    get transaction() {
      return done(undefined)
    },
  }
  return (_mode, callback) => Promise.resolve(callback(store as unknown as IDBObjectStore))
}

/** Sets the `url` and `redirected` that fetch reports, which a constructed Response cannot be given. */
function fetched(response: Response, url: string, redirected: boolean): Response {
  Object.defineProperties(response, { url: { value: url }, redirected: { value: redirected } })
  return response
}

/**
 * Answers the `fetch` calls that `opts.match` selects with `app` (MSW's `setupServer` idea, for
 * this app): same filter and cookie jar as `serve()`, redirects followed as fetch does, everything
 * else passed to the original `fetch`.
 */
export function intercept(app: ASGIApp, opts: InterceptOptions): Interception {
  if (typeof opts?.origin !== 'string' || !URL.canParse(opts.origin)) throw new TypeError(`intercept() needs an origin such as 'http://localhost', got ${String(opts?.origin)}`)
  const origin = new URL(opts.origin).origin
  const jar = opts.cookies === false ? null : new CookieJar({ store: memoryStore(), cookieStore: null })
  // Node's fetch has no page behind it: every request is first-party, as a test client's is.
  const site = (request: Request) => ({ sameSite: true, topLevel: false, method: request.method })
  const handler = handle(app, {
    ...opts,
    ...(jar && {
      cookie: (request) => jar.cookieHeader(new URL(request.url), site(request)),
      onSetCookie: (cookies, request) => jar.setCookies(cookies, new URL(request.url), site(request)),
    }),
  })
  const owns = matcher(opts.match, app, origin, '', opts.rootPath)
  const original = globalThis.fetch
  let closed = false

  const answer = async (request: Request): Promise<Response> => {
    const signal = request.signal
    signal.throwIfAborted()
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    return Promise.race([handler(request), aborted])
  }

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const target = typeof input === 'string' || input instanceof URL ? new URL(input, origin) : input
    let request = new Request(target, init)
    for (let redirects = 0; ; redirects++) {
      if (closed || !owns(new URL(request.url), request)) {
        return redirects ? fetched(await original(request), request.url, true) : original(request)
      }
      const response = await answer(request)
      const location = response.headers.get('location')
      if (!REDIRECT.has(response.status) || location === null || request.redirect === 'manual') return fetched(response, request.url, redirects > 0)
      if (request.redirect === 'error') throw new TypeError(`fetch failed: ${request.url} redirected and redirect is 'error'`)
      if (redirects === MAX_REDIRECTS) throw new TypeError(`fetch failed: more than ${MAX_REDIRECTS} redirects from ${request.url}`)
      // As fetch: 303 (and 301/302 after a POST) become a GET without a body.
      const toGet = response.status === 303 ? request.method !== 'HEAD' : (response.status === 301 || response.status === 302) && request.method === 'POST'
      const next = new URL(location, request.url).href
      request = toGet || request.body === null ? new Request(next, { method: toGet ? 'GET' : request.method, headers: request.headers, signal: request.signal, redirect: request.redirect }) : new Request(next, request)
    }
  }

  globalThis.fetch = fetch as typeof globalThis.fetch
  return {
    cookies: jar,
    close() {
      if (closed) return
      closed = true
      if (globalThis.fetch === fetch) globalThis.fetch = original
    },
  }
}
