import type { HTTPScope, Message, Receive } from './types.js'
import { MutableHeaders } from './datastructures.js'
import { concatBytes } from './bytes.js'
import { HTTPException } from './exceptions.js'
import { quotePath } from './urls.js'
import { scopeURL } from './scope.js'
import { parseMultipart, parseOptionsHeader, parseUrlencoded, type FormOptions } from './formparsers.js'

export type { FormOptions } from './formparsers.js'

/** An HTTP scope with the keys routing adds (ASGI spelling, since they live in the scope). */
export interface RequestScope extends HTTPScope {
  /** Parameters captured from the path by every route matched so far. */
  path_params?: Record<string, unknown>
  /** The root path of the outermost app, kept when mounts extend `root_path`. */
  app_root_path?: string
  /** The outermost router, for reverse routing. */
  router?: { urlPathFor(name: string, params?: Record<string, unknown>): string }
  /** The `App` handling the request; routing raises HTTPExceptions instead of answering when it is set. */
  app?: unknown
}

/** The read-only part of `MutableHeaders`: request headers are what the client sent. */
export type ReadonlyHeaders = Pick<MutableHeaders, 'get' | 'getAll' | 'has' | 'keys' | 'values' | 'entries' | 'size' | typeof Symbol.iterator>

/** Thrown while reading a request body when the client went away first. */
export class ClientDisconnect extends Error {
  constructor() {
    super('Client disconnected before the request body was read')
    this.name = 'ClientDisconnect'
  }
}

const utf8 = /* @__PURE__ */ new TextDecoder()

/** Starlette's cookie_parser: lenient, like browsers; a chunk without `=` is a value with an empty name. */
function parseCookies(header: string): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null)
  for (const chunk of header.split(';')) {
    const eq = chunk.indexOf('=')
    const key = (eq === -1 ? '' : chunk.slice(0, eq)).trim()
    const value = (eq === -1 ? chunk : chunk.slice(eq + 1)).trim()
    if (key || value) cookies[key] = unquoteCookie(value)
  }
  return cookies
}

/** Python's http.cookies._unquote: a double-quoted value loses its quotes, `\"` and octal `\073` escapes. */
function unquoteCookie(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value
  return value
    .slice(1, -1)
    .replace(/\\(?:([0-3][0-7][0-7])|([^\n]))/g, (_, octal: string | undefined, char: string | undefined) =>
      octal !== undefined ? String.fromCharCode(parseInt(octal, 8)) : (char as string),
    )
}

const NOT_READY = Symbol('not ready')
// A macrotask: long enough for a receive that already has its message to deliver it.
const nextTask = () => new Promise<typeof NOT_READY>((resolve) => setTimeout(resolve, 0, NOT_READY))

const noReceive: Receive = async () => {
  throw new Error('This Request was created without a receive channel, so its body cannot be read')
}

/**
 * An incoming HTTP request over an ASGI scope and receive, like Starlette's: the scope's fields as
 * properties, the body read lazily (once) through `stream()`, `body()`, `text()`, `json()` or `form()`.
 */
export class Request {
  /** The ASGI scope, as routing left it. */
  readonly scope: RequestScope
  readonly #receive: Receive
  // Messages that isDisconnected() took off the channel before the body reader asked for them.
  readonly #queued: Message[] = []
  #pending: Promise<Message> | undefined
  #bodyComplete = false
  #streamStarted = false
  #disconnected = false
  #bodyBytes: Promise<Uint8Array> | undefined
  #jsonValue: Promise<unknown> | undefined
  #formData: Promise<FormData> | undefined
  #cachedURL: URL | undefined
  #cachedQuery: URLSearchParams | undefined
  #cachedCookies: Record<string, string> | undefined

  constructor(scope: HTTPScope, receive: Receive = noReceive) {
    if (scope.type !== 'http') throw new TypeError(`A Request needs an 'http' scope, got ${JSON.stringify((scope as { type: unknown }).type)}`)
    this.scope = scope
    this.#receive = receive
  }

  /** The request method, as the client sent it. */
  get method(): string {
    return this.scope.method
  }

  /** The full URL: scheme, host header (or server), full path and query. */
  get url(): URL {
    return (this.#cachedURL ??= scopeURL(this.scope))
  }

  /** The request headers, case-insensitive and multi-valued. */
  get headers(): ReadonlyHeaders {
    return MutableHeaders.fromScope(this.scope)
  }

  /** The query string's parameters, every value of repeated keys kept. */
  get queryParams(): URLSearchParams {
    return (this.#cachedQuery ??= new URLSearchParams(utf8.decode(this.scope.query_string)))
  }

  /** Values the matched routes captured from the path, already converted (`{id:int}` gives a number). */
  get pathParams(): Record<string, unknown> {
    return this.scope.path_params ?? {}
  }

  /** Cookies from the first `cookie` header; a repeated name keeps its last value. */
  get cookies(): Record<string, string> {
    if (this.#cachedCookies === undefined) {
      const header = this.headers.get('cookie')
      this.#cachedCookies = header ? parseCookies(header) : Object.create(null)
    }
    return this.#cachedCookies as Record<string, string>
  }

  /** The client's address, when the server knows it. */
  get client(): { host: string; port: number } | null {
    return this.scope.client === null ? null : { host: this.scope.client[0], port: this.scope.client[1] }
  }

  /** Per-request storage shared with middleware (the scope's `state`). */
  get state(): Record<string, unknown> {
    return (this.scope.state ??= {})
  }

  /** The absolute URL of the route named `name`, below the outermost app's root path. */
  urlFor(name: string, params: Record<string, unknown> = {}): URL {
    const router = this.scope.router
    if (router === undefined) throw new Error('urlFor() needs a router: call it on a request routed by a Router or App')
    const rootPath = (this.scope.app_root_path ?? this.scope.root_path).replace(/\/+$/, '')
    return new URL(this.url.origin + quotePath(rootPath) + router.urlPathFor(name, params))
  }

  #nextMessage(): Promise<Message> {
    const queued = this.#queued.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    const pending = this.#pending
    this.#pending = undefined
    return pending ?? this.#receive()
  }

  /** The body as it arrives, chunk by chunk; throws ClientDisconnect if the client leaves first. */
  async *stream(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#bodyBytes === undefined) return yield* this.#readChunks()
    // body() has read (or is reading) the body: replay it rather than compete for messages.
    const body = await this.#bodyBytes
    if (body.length > 0) yield body
  }

  async *#readChunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#streamStarted) throw new Error('The request body stream was already consumed')
    this.#streamStarted = true
    for (;;) {
      const message = await this.#nextMessage()
      if (message.type === 'http.request') {
        if (!message.more_body) this.#bodyComplete = true
        const chunk = message.body
        if (chunk instanceof Uint8Array && chunk.length > 0) yield chunk
        if (!message.more_body) return
      } else if (message.type === 'http.disconnect') {
        this.#disconnected = true
        throw new ClientDisconnect()
      }
    }
  }

  /** The whole body, read once and kept. */
  body(): Promise<Uint8Array> {
    return (this.#bodyBytes ??= (async () => {
      const chunks: Uint8Array[] = []
      for await (const chunk of this.#readChunks()) chunks.push(chunk)
      return concatBytes(chunks)
    })())
  }

  /** The body decoded as UTF-8 (as the Fetch API's `text()` does). */
  async text(): Promise<string> {
    return utf8.decode(await this.body())
  }

  /** The body parsed as JSON; malformed JSON is the client's fault, hence an HTTPException(400). */
  json(): Promise<unknown> {
    return (this.#jsonValue ??= this.text().then((text) => {
      try {
        return JSON.parse(text) as unknown
      } catch (error) {
        throw new HTTPException(400, `Malformed JSON: ${(error as Error).message}`)
      }
    }))
  }

  /**
   * The body parsed as a form: urlencoded or multipart (files become `File`s), any other type an
   * empty FormData. Malformed input and exceeded limits are HTTPExceptions (400, or 413 for a part
   * too large). Parsed once; later calls return the first result whatever their options.
   */
  form(options: FormOptions = {}): Promise<FormData> {
    return (this.#formData ??= this.#parseForm({ maxFiles: 1000, maxFields: 1000, maxPartSize: 1024 * 1024, ...options }))
  }

  async #parseForm(limits: Required<FormOptions>): Promise<FormData> {
    const [mediaType, params] = parseOptionsHeader(this.headers.get('content-type') ?? '')
    if (mediaType === 'multipart/form-data') return parseMultipart(await this.body(), params, limits)
    if (mediaType === 'application/x-www-form-urlencoded') return parseUrlencoded(await this.body(), limits)
    return new FormData()
  }

  /**
   * Whether the client has gone away, without waiting: messages already available are taken off
   * the channel (body chunks are kept for the body reader), and a message still to come is left pending.
   */
  async isDisconnected(): Promise<boolean> {
    while (!this.#disconnected) {
      const pending = (this.#pending ??= this.#receive())
      const message = await Promise.race([pending, nextTask()])
      if (message === NOT_READY) return false
      this.#pending = undefined
      if (message.type === 'http.disconnect') {
        this.#disconnected = true
        this.#queued.push(message)
      } else if (message.type === 'http.request' && !this.#bodyComplete) {
        this.#queued.push(message)
        if (!message.more_body) this.#bodyComplete = true
      } else {
        return false
      }
    }
    return true
  }
}
