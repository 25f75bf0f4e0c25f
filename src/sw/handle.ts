import { BLOB_EXTENSION, NETWORK_ERROR_EXTENSION, type ASGIApp, type HTTPScope } from '../types.js'
import type { RawHeaders } from '../datastructures.js'
import { encodeLatin1 } from '../bytes.js'
import { splitURL } from '../urls.js'
import { urlScope } from '../scope.js'
import { Exchange, type LifetimeEvent } from './exchange.js'
import { errorResponse } from './errors.js'

export type { LifetimeEvent } from './exchange.js'

/** Options of `handle()` (and of `serve()`, which passes them on). */
export interface HandleOptions {
  /** Reported as the scope's `root_path`; `path` stays the full path. */
  rootPath?: string
  /** The scope's `client`. */
  client?: [string, number] | null
  /** Copied (shallowly) into each request's scope as `state`. */
  state?: Record<string, unknown>
  /** Answer app errors with their message and stack (HTML for navigations, JSON otherwise). */
  debug?: boolean
  /** Called with every error of the app; default `console.error`. */
  onError?: (error: unknown, request: Request) => void
  /** Receives the response's `Set-Cookie` values before the response is handed over; default: keep them as headers. */
  onSetCookie?: (cookies: string[], request: Request) => void | Promise<void>
  /** The request's `cookie` header for the scope (a service worker never sees the real one). */
  cookie?: (request: Request) => string | null | undefined | Promise<string | null | undefined>
}

/** A Fetch handler: Request in, Response out. */
export type FetchHandler = (request: Request, event?: LifetimeEvent) => Promise<Response>

const HOST = encodeLatin1('host')
const COOKIE = encodeLatin1('cookie')

/** The ASGI scope of a Fetch request; `cookie`, when given, replaces the request's own cookie header. */
export function requestScope(request: Request, opts: HandleOptions, cookie?: string | null): HTTPScope {
  const url = splitURL(request.url)
  const headers: RawHeaders = []
  let hasHost = false
  for (const [name, value] of request.headers) {
    if (name === 'host') hasHost = true
    if (name === 'cookie' && cookie != null) continue
    headers.push([encodeLatin1(name), encodeLatin1(value, `Request header ${name}`)])
  }
  // A worker's request carries no Host header; ASGI apps (and Starlette's URL) expect one.
  if (!hasHost) headers.unshift([HOST.slice(), encodeLatin1(url.host)])
  if (cookie) headers.push([COOKIE.slice(), encodeLatin1(cookie, 'Cookie header')])
  return urlScope(url, request.method.toUpperCase(), {
    rootPath: opts.rootPath,
    headers,
    client: opts.client,
    state: opts.state ? { ...opts.state } : {},
    extensions: { [BLOB_EXTENSION]: {}, [NETWORK_ERROR_EXTENSION]: {} },
  })
}

/** `onError`'s default. */
export const logError = (error: unknown) => console.error('swasgi: error in the ASGI app', error)

/**
 * Adapts an ASGI app to the Fetch API: each Request becomes a scope, `receive` and `send`, and
 * the Response resolves as soon as the app starts its response; the body streams as it is sent.
 */
export function handle(app: ASGIApp, opts: HandleOptions = {}): FetchHandler {
  const exchange = { debug: opts.debug === true, onError: opts.onError ?? logError, onSetCookie: opts.onSetCookie }
  const cookie = opts.cookie
  if (cookie) {
    return async (request, event) => {
      let header
      try {
        header = await cookie(request)
      } catch (error) {
        // The jar could not be read (IndexedDB lost its connection, say): a 500, as for the app's own errors.
        try {
          exchange.onError(error, request)
        } catch {
          // The response below is what matters.
        }
        return errorResponse(error, request, exchange.debug)
      }
      return new Exchange(app, exchange, request, requestScope(request, opts, header), event).result
    }
  }
  return (request, event) => {
    try {
      return new Exchange(app, exchange, request, requestScope(request, opts), event).result
    } catch (error) {
      return Promise.reject(error) // a request the scope cannot express (say, a non-latin-1 header)
    }
  }
}
