import type { Receive, Scope, Send } from '../types.js'
import { MutableHeaders, encodeHeaderValue, type HeadersInit, type RawHeaders } from '../datastructures.js'
import { encodeLatin1, toBytes, typeName } from '../bytes.js'
import { runBackground, type Background } from '../background.js'
import { asgiCallable } from '../callable.js'
import { cookieHeader, type CookieOptions, type DeleteCookieOptions } from './cookies.js'

/** What `Response` accepts as its body. */
export type Content = string | Uint8Array | ArrayBuffer | ArrayBufferView | null | undefined

/** Python's keyword arguments: a status code, or an options object. */
export interface ResponseOptions {
  statusCode?: number
  headers?: HeadersInit
  mediaType?: string | null
  background?: Background
}
export type ResponseInit = number | ResponseOptions

const CONTENT_LENGTH = encodeLatin1('content-length')
const CONTENT_TYPE = encodeLatin1('content-type')

/** Normalises the `init` argument. */
export function responseOptions(init: ResponseInit | undefined): ResponseOptions {
  if (init === undefined) return {}
  if (typeof init === 'number') return { statusCode: init }
  if (typeof init === 'object' && init !== null) return init
  throw new TypeError(`Response init must be a status code or an options object, got ${typeof init}`)
}

/** The content-type of a media type: `text/*` types name their charset unless they already do. */
export function withCharset(mediaType: string, charset: string): string {
  return mediaType.startsWith('text/') && !mediaType.toLowerCase().includes('charset=') ? `${mediaType}; charset=${charset}` : mediaType
}

// The last content-type encoded: responses of one class ask for the same one again and again.
let lastMediaType: string | null = null
let lastCharset = ''
let lastContentType: Uint8Array = new Uint8Array(0)

/** Bytes of the content-type header value for a media type (a fresh copy each time). */
function contentTypeValue(mediaType: string, charset: string): Uint8Array {
  if (mediaType !== lastMediaType || charset !== lastCharset) {
    lastContentType = encodeHeaderValue('content-type', withCharset(mediaType, charset))
    lastMediaType = mediaType
    lastCharset = charset
  }
  return lastContentType.slice()
}

function checkStatus(status: unknown): number {
  if (!Number.isInteger(status)) throw new TypeError(`statusCode must be an integer, got ${String(status)}`)
  return status as number
}

// A response is called as an ASGI app: `await response(scope, receive, send)`.
export interface Response {
  (scope: Scope, receive: Receive, send: Send): Promise<void>
}

/**
 * The base response: renders its body and builds its raw headers at construction, so it is a
 * value to inspect before it is sent; calling it sends `http.response.start` and one body message.
 *
 * Subclasses change what differs: `static mediaType`/`static charset` (class attributes, read
 * before `render`), or `render()`.
 */
export class Response {
  /** Default media type for instances of this class. */
  static mediaType: string | null = null
  /** Charset used to encode text bodies and named in `text/*` content types. */
  static charset = 'utf-8'

  declare statusCode: number
  declare mediaType: string | null
  declare charset: string
  declare body: Uint8Array
  declare headers: MutableHeaders
  declare background: Background | undefined

  constructor(content?: unknown, init?: ResponseInit) {
    const self = asgiCallable<this>(new.target.prototype, 'respond')
    const options = responseOptions(init)
    const ctor = new.target as unknown as typeof Response
    self.statusCode = checkStatus(options.statusCode ?? self.defaultStatusCode())
    self.mediaType = options.mediaType === undefined ? ctor.mediaType : options.mediaType
    self.charset = ctor.charset
    self.background = options.background
    self.init(content)
    self.headers = new MutableHeaders(options.headers)
    self.populateHeaders()
    return self
  }

  /** Status code used when none is given. */
  protected defaultStatusCode(): number {
    return 200
  }

  /** Sets up the body; streaming and file responses, which have none, override it. */
  protected init(content: unknown): void {
    this.body = this.render(content)
  }

  /** Turns the content into body bytes. */
  render(content: unknown): Uint8Array {
    if (content === null || content === undefined) return new Uint8Array(0)
    const bytes = toBytes(content, this.charset)
    if (bytes === undefined) throw new TypeError(`${this.constructor.name} content must be a string, Uint8Array or ArrayBuffer, got ${typeName(content)}`)
    return bytes
  }

  /** Adds content-length (from the body) and content-type after the user's headers, as Starlette does. */
  protected populateHeaders(): void {
    const headers = this.headers
    const raw = headers.raw
    // Without headers from the user there is nothing to look up: push the encoded pairs directly.
    const given = raw.length > 0
    const status = this.statusCode
    if (this.body !== undefined && !(status < 200 || status === 204 || status === 304) && !(given && headers.has('content-length'))) {
      raw.push([CONTENT_LENGTH.slice(), encodeLatin1(String(this.body.length))])
    }
    const mediaType = this.mediaType
    if (mediaType != null && !(given && headers.has('content-type'))) {
      raw.push([CONTENT_TYPE.slice(), contentTypeValue(mediaType, this.charset)])
    }
  }

  /** The ordered [name, value] byte pairs sent on the wire (the same list `headers` edits). */
  get rawHeaders(): RawHeaders {
    return this.headers.raw
  }

  /** Appends a `set-cookie` header, written exactly as Starlette (CPython's http.cookies) writes it. */
  setCookie(key: string, value = '', options: CookieOptions = {}): void {
    this.headers.append('set-cookie', cookieHeader(key, value, options))
  }

  /** Appends a `set-cookie` header that expires the cookie now. */
  deleteCookie(key: string, options: DeleteCookieOptions = {}): void {
    this.setCookie(key, '', { ...options, maxAge: 0, expires: 0 })
  }

  /** The ASGI entry point: sends the start and body messages, then runs the background work. */
  async respond(_scope: Scope, _receive: Receive, send: Send): Promise<void> {
    await send({ type: 'http.response.start', status: this.statusCode, headers: this.rawHeaders })
    await send({ type: 'http.response.body', body: this.body })
    if (this.background !== undefined) await runBackground(this.background)
  }
}

/** A `text/html` response. */
export class HTMLResponse extends Response {
  static override mediaType: string | null = 'text/html'
}

/** A `text/plain` response. */
export class PlainTextResponse extends Response {
  static override mediaType: string | null = 'text/plain'
}
