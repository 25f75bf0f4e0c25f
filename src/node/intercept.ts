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
// Dropped when a redirect turns the request into a GET (the Fetch standard's request-body-header names).
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']
// Dropped when a redirect changes origin: the standard drops `authorization`, undici (Node's fetch) these too.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host']

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

/** Sets the `url` (without its fragment) and `redirected` that fetch reports, which a constructed Response cannot be given. */
function fetched(response: Response, url: string, redirected: boolean): Response {
  Object.defineProperties(response, { url: { value: url.replace(/#.*/s, '') }, redirected: { value: redirected } })
  return response
}

/** Whether fetch reads `body` as a stream, which it cannot send a second time. */
const streamed = (body: unknown) => body instanceof ReadableStream || typeof (body as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function'

/**
 * The request after a `status` redirect to `url`, as the Fetch standard's HTTP-redirect fetch (and undici) makes it;
 * `copy` holds the body to send again, null if there is none or it was a stream.
 */
function redirectedRequest(request: Request, copy: Request | null, status: number, url: URL, redirects: number): Request {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`fetch failed: ${request.url} redirected to a ${url.protocol} URL`)
  if (redirects === MAX_REDIRECTS) throw new TypeError(`fetch failed: more than ${MAX_REDIRECTS} redirects from ${request.url}`)
  if (status !== 303 && request.body && !copy) throw new TypeError(`fetch failed: a streamed body cannot be sent again after a ${status} from ${request.url}`)
  const toGet = status === 303 ? request.method !== 'GET' && request.method !== 'HEAD' : (status === 301 || status === 302) && request.method === 'POST'
  const headers = new Headers(request.headers)
  if (toGet) BODY_HEADERS.forEach((name) => headers.delete(name))
  if (url.origin !== new URL(request.url).origin) CREDENTIAL_HEADERS.forEach((name) => headers.delete(name))
  return new Request(url, { method: toGet ? 'GET' : request.method, headers, body: toGet ? null : copy?.body, duplex: 'half', signal: request.signal, redirect: request.redirect } as RequestInit)
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
      // A cookie header the caller wrote goes as written, instead of the jar's (as httpx's jar does).
      cookie: (request) => request.headers.get('cookie') ?? jar.cookieHeader(new URL(request.url), site(request)),
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
    const replayable = !streamed(init?.body)
    for (let redirects = 0; ; redirects++) {
      if (closed || !owns(new URL(request.url), request)) {
        if (!redirects) return original(request)
        const response = await original(request)
        return fetched(response, response.url || request.url, true)
      }
      // The app consumes the body: a copy, for a redirect that sends it again (307, 308, 301/302 but after a POST).
      const copy = replayable && request.body ? request.clone() : null
      const response = await answer(request)
      if (!REDIRECT.has(response.status) || request.redirect === 'manual') return fetched(response, request.url, redirects > 0)
      if (request.redirect === 'error') throw new TypeError(`fetch failed: ${request.url} redirected and redirect is 'error'`)
      const location = response.headers.get('location')
      if (location === null) return fetched(response, request.url, redirects > 0)
      // As fetch, the redirect's body is not read: the app, were it still sending it, disconnects.
      response.body?.cancel().catch(() => {})
      request = redirectedRequest(request, copy, response.status, new URL(location, request.url), redirects)
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
