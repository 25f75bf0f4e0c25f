/** `harApp()`: an ASGI app that answers requests with the responses of a HAR recording. */
import { NETWORK_ERROR_EXTENSION, type HTTPScope, type Receive, type Scope, type Send } from '../types.js'
import { concatBytes } from '../bytes.js'
import { MutableHeaders } from '../datastructures.js'
import { scopeURL } from '../scope.js'
import { FileResponse, PlainTextResponse, Response, StreamingResponse } from '../responses/index.js'
import { HarIndex, choose, inlineBody, needsBody } from './match.js'
import type { Har, HarCookie, HarEntry } from './types.js'

/** Options of `harApp()`. */
export interface HarAppOptions {
  /**
   * A request with no recorded entry: `'abort'` (default, like Playwright) answers with a network
   * error; `'fallback'` leaves it to the network (`answersURL` says no, so `serve()` never takes it;
   * called anyway, the app fetches it from the network itself).
   */
  notFound?: 'abort' | 'fallback'
  /** The store that holds the `_file` attachments (`cache://NAME` or `idb://NAME`), as `loadHar()` filled it. */
  store?: string
  /** Compare the origin of URLs too (default true); false replays a recording on another origin. */
  matchOrigin?: boolean
}

/** The app `harApp()` returns: an ASGI app that also tells synchronously which requests it answers. */
export interface HarApp {
  (scope: Scope, receive: Receive, send: Send): Promise<void>
  /** Whether the app answers `method` `url` (while the HAR is still loading: yes, it will wait for it). */
  answersURL(url: URL, method: string, rootPath?: string): boolean
  /** The same for a scope (a `Mount` asks this). */
  answers(scope: HTTPScope): boolean
  /** Resolves once the HAR is loaded and indexed; rejects as the load did. */
  readonly ready: Promise<void>
}

// Describe the body as the recording had it, not as it is replayed (decoded, in one piece).
const DROPPED = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'])
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const NO_BODY = new Set([204, 304])

/**
 * An ASGI app that replays a HAR (a parsed HAR, or a promise of one such as `loadHar()`'s): each
 * request gets the recorded response of its entry (see docs/har.md for the matching rules), with
 * the recorded status, headers and cookies; bodies come from the HAR's `text` or, for `_file`
 * attachments, from `options.store` through `FileResponse` (ranges and 304 included).
 */
export function harApp(har: Har | Promise<Har>, options: HarAppOptions = {}): HarApp {
  const notFound = options.notFound ?? 'abort'
  if (notFound !== 'abort' && notFound !== 'fallback') throw new TypeError(`harApp() notFound must be 'abort' or 'fallback', got ${JSON.stringify(notFound)}`)
  const matchOrigin = options.matchOrigin ?? true
  let index: HarIndex | null = null
  // A HAR at hand is indexed now, so that bad input fails here and answersURL is exact at once.
  const ready = isPromise(har) ? har.then((loaded) => void (index = new HarIndex(loaded, matchOrigin))) : Promise.resolve()
  if (!isPromise(har)) index = new HarIndex(har, matchOrigin)
  ready.catch(() => {}) // reported by each request instead

  const answersURL = (url: URL, method: string) => index === null || notFound === 'abort' || index.candidates(method, url).length > 0

  const app = async (scope: Scope, receive: Receive, send: Send): Promise<void> => {
    if (scope.type !== 'http') throw new TypeError(`harApp() answers HTTP requests, not ${JSON.stringify(scope.type)}`)
    await ready
    const url = scopeURL(scope)
    const candidates = index!.candidates(scope.method, url)
    if (candidates.length === 0) {
      if (notFound === 'fallback') return passThrough(scope, url, receive, send)
      return networkError(scope, send, `no recorded response for ${scope.method} ${url.href}`)
    }
    const body = needsBody(candidates) ? await readBody(receive) : null
    const entry = choose(candidates, body, MutableHeaders.fromScope(scope).get('content-type'))
    await replay(entry, options.store, scope, receive, send)
  }
  return Object.assign(app, { answersURL, answers: (scope: HTTPScope) => answersURL(scopeURL(scope), scope.method), ready })
}

function isPromise(value: unknown): value is Promise<Har> {
  return typeof (value as Promise<Har> | null)?.then === 'function'
}

/** Sends the recorded response of `entry`. */
async function replay(entry: HarEntry, store: string | undefined, scope: HTTPScope, receive: Receive, send: Send): Promise<void> {
  const { status, content } = entry.response
  const what = `${entry.request.method} ${entry.request.url}`
  // The recording got no response (a failed or aborted request): replay the failure.
  if (!Number.isInteger(status) || status < 200 || status > 599) return networkError(scope, send, `the recording of ${what} has no response`)
  const headers = recordedHeaders(entry.response.headers ?? [], entry.response.cookies)
  const file = content?._file
  if (file !== undefined && !NO_BODY.has(status)) {
    if (!store) throw new Error(`The recorded body of ${what} is in the file ${JSON.stringify(file)}, but harApp() was given no store to read it from`)
    return new FileResponse(`${store}/${file}`, { statusCode: status, headers })(scope, receive, send)
  }
  if (content?.mimeType && !headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['content-type', content.mimeType])
  const body = NO_BODY.has(status) ? null : inlineBody(content, `The recorded body of ${what}`)
  await new Response(body, { statusCode: status, headers })(scope, receive, send)
}

/** The headers to replay: the recorded ones less those about the recorded transfer, plus cookies listed apart. */
function recordedHeaders(pairs: Iterable<{ name: string; value: string }>, cookies: HarCookie[] | undefined): [string, string][] {
  const headers: [string, string][] = []
  for (const { name, value } of pairs) {
    // HTTP/2 pseudo-headers (":status") are no headers.
    if (TOKEN.test(name) && !DROPPED.has(name.toLowerCase())) headers.push([name, value])
  }
  if (cookies?.length && !headers.some(([name]) => name.toLowerCase() === 'set-cookie')) {
    for (const cookie of cookies) headers.push(['set-cookie', setCookie(cookie)])
  }
  return headers
}

/** A `Set-Cookie` value for a cookie HAR lists apart; without Domain, so that it belongs to the replaying host. */
function setCookie(cookie: HarCookie): string {
  let value = `${cookie.name}=${cookie.value}`
  if (cookie.path) value += `; Path=${cookie.path}`
  if (cookie.expires) value += `; Expires=${new Date(cookie.expires).toUTCString()}`
  if (cookie.httpOnly) value += '; HttpOnly'
  if (cookie.secure) value += '; Secure'
  if (cookie.sameSite) value += `; SameSite=${cookie.sameSite}`
  return value
}

/** A network error where the server offers the extension (a service worker does), else a 502. */
async function networkError(scope: HTTPScope, send: Send, reason: string): Promise<void> {
  if (scope.extensions?.[NETWORK_ERROR_EXTENSION]) return send({ type: NETWORK_ERROR_EXTENSION })
  await new PlainTextResponse(`Bad Gateway: ${reason}`, 502)(scope, async () => ({ type: 'http.disconnect' }), send)
}

async function readBody(receive: Receive): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for (;;) {
    const message = await receive()
    if (message.type !== 'http.request') break
    chunks.push(message.body as Uint8Array)
    if (!message.more_body) break
  }
  return concatBytes(chunks)
}

/** `notFound: 'fallback'` for a request the app was handed anyway: the network answers it. */
async function passThrough(scope: HTTPScope, url: URL, receive: Receive, send: Send): Promise<void> {
  const headers = new Headers()
  for (const [name, value] of MutableHeaders.fromScope(scope)) if (name !== 'host') headers.append(name, value)
  const body = scope.method === 'GET' || scope.method === 'HEAD' ? undefined : await readBody(receive)
  let response: globalThis.Response
  try {
    response = await fetch(url, { method: scope.method, headers, body: body as Uint8Array<ArrayBuffer> | undefined })
  } catch (error) {
    return networkError(scope, send, `${url.href} could not be fetched (${String(error)})`)
  }
  const kept = recordedHeaders([...response.headers].map(([name, value]) => ({ name, value })), undefined)
  await new StreamingResponse(response.body ?? [], { statusCode: response.status, headers: kept })(scope, receive, send)
}
