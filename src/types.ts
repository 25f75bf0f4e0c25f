/** ASGI 3.0 types (HTTP spec 2.x), spelled as the spec spells them because they are the wire protocol. */

/** The connection scope of an HTTP request. */
export interface HTTPScope {
  type: 'http'
  asgi: { version: '3.0'; spec_version: string }
  http_version: '1.1' | '2'
  method: string
  scheme: 'http' | 'https'
  path: string
  raw_path: Uint8Array
  query_string: Uint8Array
  root_path: string
  /** Lower-cased names, latin-1 bytes. */
  headers: [Uint8Array, Uint8Array][]
  client: [string, number] | null
  server: [string, number | null] | null
  state?: Record<string, unknown>
  extensions?: Record<string, unknown>
}

/** The scope of the lifespan protocol. */
export interface LifespanScope {
  type: 'lifespan'
  asgi: { version: '3.0'; spec_version?: string }
  state?: Record<string, unknown>
}

/** Any scope an ASGI app may be called with. */
export type Scope = HTTPScope | LifespanScope

/** An ASGI event: `type` names it, the rest is its payload. */
export type Message = { type: string; [k: string]: unknown }

/** Awaits the next event from the server. */
export type Receive = () => Promise<Message>

/** Hands an event to the server. */
export type Send = (message: Message) => Promise<void>

/** An ASGI 3.0 application. */
export type ASGIApp = (scope: Scope, receive: Receive, send: Send) => Promise<void>

/**
 * swasgi's zero-copy extension, like ASGI's `http.response.pathsend`: when a server lists it in
 * `scope.extensions`, an app may answer `http.response.start` with one
 * `{ type: 'http.response.blob', blob }` message instead of body messages, and the server hands
 * the Blob to the Fetch Response as it is (the browser streams it from disk, never through
 * JavaScript). `handle()` supports it; `FileResponse` uses it.
 */
export const BLOB_EXTENSION = 'http.response.blob'

/**
 * swasgi's network-error extension: when a server lists it in `scope.extensions`, an app may send
 * `{ type: 'http.response.error' }` to answer with a network error (`Response.error()`: the page's
 * fetch rejects, as when a connection drops) instead of a response. Sent after the body started,
 * it breaks the body stream. `handle()` supports it; `harApp()`'s `notFound: 'abort'` uses it.
 */
export const NETWORK_ERROR_EXTENSION = 'http.response.error'
