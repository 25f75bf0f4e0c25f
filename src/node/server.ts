/** An ASGI app served over node:http: streaming both ways, backpressure, and http.disconnect when the client leaves. */
import { STATUS_CODES, createServer as createHTTPServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { ASGIApp, HTTPScope, Message } from '../types.js'
import type { RawHeaders } from '../datastructures.js'
import { decodeLatin1, encodeLatin1, typeName } from '../bytes.js'
import { splitURL } from '../urls.js'
import { urlScope } from '../scope.js'
import { ProtocolError } from '../sw/errors.js'

/** Options of `createServer()` and `nodeHandler()`. */
export interface NodeServerOptions {
  /** Reported as the scope's `root_path`; `path` stays the full path. */
  rootPath?: string
  /** Copied (shallowly) into each request's scope as `state`. */
  state?: Record<string, unknown>
  /** Called with every error of the app; default `console.error`. */
  onError?: (error: unknown, request: IncomingMessage) => void
  /**
   * The largest request body, in bytes, the app may receive (default: no limit). A larger body is
   * a 413, before the app runs when its Content-Length says so, else once the count passes it
   * (then the app hears `http.disconnect`).
   */
  maxBodySize?: number
}

/** A node:http request listener. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void

const EMPTY = new Uint8Array(0)
const RESOLVED = Promise.resolve()
const waitATick = () => {}
/** Resolves after the event loop's next turn: a send that goes nowhere still lets timers and I/O run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))
// A Host header is a host name or address and a port: anything else (a '/', an '@') would change the URL's path or origin.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::\d*)?$/
/** Statuses whose response has no body (as the worker's adapter has them). */
const NULL_BODY = new Set([101, 103, 204, 205, 304])
const logError = (error: unknown) => console.error('swasgi: error in the ASGI app', error)

/** The scope of a node:http request; null when its target or Host cannot form a URL. */
function nodeScope(request: IncomingMessage, opts: NodeServerOptions): HTTPScope | null {
  const socket = request.socket
  const https = (socket as { encrypted?: boolean }).encrypted === true
  // rawHeaders, not headers: Node builds the headers object only when asked, at a cost.
  const raw = request.rawHeaders
  const headers: RawHeaders = []
  let host: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase()
    if (name === 'host') {
      if (host !== undefined) return null // two Host headers: which one names the server?
      host = raw[i + 1]
    }
    headers.push([encodeLatin1(name), encodeLatin1(raw[i + 1])])
  }
  let target = request.url ?? '/'
  // Absolute form (`GET http://a.test/x`, as sent to proxies): its authority names the server (RFC
  // 9112), checked as a Host is; the scheme is always the connection's, never the client's word.
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^#]*)/.exec(target)
  if (absolute) {
    // ...and replaces the Host header, which request.url reads.
    host = absolute[1]
    target = absolute[2].startsWith('/') ? absolute[2] : `/${absolute[2]}`
    const named = headers.find(([name]) => name.length === 4 && decodeLatin1(name) === 'host')
    if (named) named[1] = encodeLatin1(host)
    else headers.push([encodeLatin1('host'), encodeLatin1(host)])
  }
  let href: string
  if (target.startsWith('/')) {
    // HTTP/1.0 may send no Host: the address the request came in on (an IPv6 one in brackets).
    const local = socket.localAddress ?? '127.0.0.1'
    host ??= `${local.includes(':') ? `[${local}]` : local}:${socket.localPort}`
    if (!HOST.test(host)) return null
    href = `${https ? 'https' : 'http'}://${host}${target}`
  } else href = target
  // "*" (OPTIONS), malformed targets, and hosts no URL can have (a port out of range, an escaped '/').
  if (!URL.canParse(href)) return null
  const client: [string, number] | null = socket.remoteAddress ? [socket.remoteAddress, socket.remotePort ?? 0] : null
  return urlScope(splitURL(href), request.method ?? 'GET', { rootPath: opts.rootPath, headers, client, state: opts.state ? { ...opts.state } : {} })
}

/**
 * One request: `receive` pulls the request body (the socket is read only as fast as the app asks),
 * `send` writes the response and waits for 'drain' when the socket is full.
 */
class NodeExchange {
  private phase: 'start' | 'body' | 'done' = 'start'
  private gone = false
  /** Waiting for http.disconnect. */
  private waiters: (() => void)[] = []
  /** A send waiting for 'drain', which the client leaving also ends. */
  private drained: (() => void) | null = null
  private body: AsyncIterator<Buffer> | null = null
  private bodyDone = false
  /** Headers written but not sent yet: they go out with the first body bytes. */
  private unsent = false
  /** Request body bytes received so far (against `maxBodySize`). */
  private received = 0
  /** The server answered 413 in the app's place: what the app does after is not the client's concern. */
  private refused = false

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly opts: NodeServerOptions,
  ) {
    // 'close' comes when the response has been sent, or when the connection died first.
    response.once('close', () => this.leave())
  }

  async run(app: ASGIApp, scope: HTTPScope): Promise<void> {
    try {
      await app(scope, () => this.receive(), (message) => {
        try {
          return this.send(message) ?? RESOLVED
        } catch (error) {
          return Promise.reject(error) // as an async send would
        }
      })
      if (this.phase === 'start') throw new ProtocolError('the ASGI app returned without starting a response')
      if (this.phase === 'body' && !this.gone) throw new ProtocolError('the ASGI app returned before finishing the response body (more_body was never false)')
    } catch (error) {
      if (this.refused) return // e.g. its ClientDisconnect from reading the body on
      this.report(error)
      if (this.phase === 'start' && !this.gone) {
        const text = error instanceof ProtocolError ? `Internal Server Error: ${error.message}` : 'Internal Server Error'
        this.respond(500, text)
      } else if (this.phase === 'body') this.response.destroy() // a started response cannot turn into an error: cut it short
      // 'done': the whole response went out (a background task failed after it): nothing to undo.
      this.phase = 'done'
    }
  }

  /** Hands `error` to onError; an error of the hook itself is logged, never thrown. */
  private report(error: unknown): void {
    try {
      ;(this.opts.onError ?? logError)(error, this.request)
    } catch (hookError) {
      logError(hookError)
    }
  }

  /** The server's own answer (500, 413) in place of the app's. */
  private respond(status: number, text: string, close = false): void {
    try {
      answerPlain(this.response, status, text, close)
    } catch (error) {
      logError(error)
      this.response.destroy()
    }
  }

  private leave(): void {
    if (this.gone) return
    this.gone = true
    for (const wake of this.waiters.splice(0)) wake()
    this.drained?.()
  }

  /** Resolves when the client is gone (or the response is over). */
  private disconnected(): Promise<Message> {
    return new Promise<Message>((resolve) => {
      const message = { type: 'http.disconnect' }
      if (this.gone) resolve(message)
      else this.waiters.push(() => resolve(message))
    })
  }

  private async receive(): Promise<Message> {
    if (this.bodyDone || this.gone) return this.disconnected()
    let next: IteratorResult<Buffer>
    try {
      next = await (this.body ??= this.request[Symbol.asyncIterator]()).next()
    } catch {
      // The upload was cut off ('aborted', ECONNRESET): the client is gone.
      this.bodyDone = true
      this.leave()
      return { type: 'http.disconnect' }
    }
    if (next.done) {
      this.bodyDone = true
      return { type: 'http.request', body: EMPTY, more_body: false }
    }
    this.received += next.value.byteLength
    if (this.received > (this.opts.maxBodySize ?? Infinity)) {
      // Too large: a 413 if nothing was answered yet, and the app, which must not read on, is told the client left.
      this.bodyDone = true
      if (this.phase === 'start') {
        this.respond(413, tooLarge(this.opts.maxBodySize!), true)
        this.refused = true
      }
      this.leave()
      return { type: 'http.disconnect' }
    }
    return { type: 'http.request', body: new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength), more_body: true }
  }

  /** The app's `send`; a promise only when the app must wait for the socket to drain. */
  private send(message: Message): Promise<void> | void {
    if (this.refused) return nextTurn()
    const type = message?.type
    if (this.phase === 'start') {
      if (type !== 'http.response.start') throw new Error(`Expected ASGI message 'http.response.start', but got ${describe(message)}`)
      const status = message.status
      if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
        throw new RangeError(`http.response.start has status ${String(status)}; an HTTP response needs an integer from 100 to 599`)
      }
      // Only stores them (and throws here on a header Node refuses); they are sent with the first body bytes.
      this.response.writeHead(status as number, flatHeaders(message.headers))
      this.phase = 'body'
      if (NULL_BODY.has(status as number) || this.request.method === 'HEAD') {
        // No body will be read: the headers go now, and the app may stop (an endless stream too).
        this.response.end()
        this.leave()
        return
      }
      this.unsent = true
      // A stream whose first chunk is slow gets its headers a few microtasks later (an EventSource
      // waits for them); a whole body, sent right after the start, goes out with them in one write.
      void RESOLVED.then(waitATick).then(waitATick).then(() => {
        if (this.unsent && !this.gone) this.response.flushHeaders()
        this.unsent = false
      })
      return
    }
    if (this.phase === 'done' || type !== 'http.response.body') {
      throw new Error(`Unexpected ASGI message ${describe(message)} ${this.phase === 'done' ? 'after the response completed' : "while sending the body: expected 'http.response.body'"}`)
    }
    const chunk = (message.body ?? EMPTY) as Uint8Array
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`http.response.body "body" must be a Uint8Array, got ${typeName(chunk)}`)
    const more = message.more_body === true
    if (!more) this.phase = 'done'
    this.unsent = false
    // Nobody reads: a send still waits a turn of the event loop, so that an app that does not
    // listen for http.disconnect cannot keep the process from doing anything else.
    if (this.gone) return more ? nextTurn() : undefined
    const response = this.response
    if (!more) {
      response.end(chunk)
      return
    }
    if (chunk.byteLength && !response.write(chunk)) {
      return new Promise<void>((resolve) => {
        const wake = () => {
          response.off('drain', wake)
          this.drained = null
          resolve()
        }
        response.on('drain', wake)
        this.drained = wake
      })
    }
  }
}

function describe(message: unknown): string {
  const type = (message as Message | null)?.type
  return typeof type === 'string' ? `'${type}'` : `a message without a type (${String(message)})`
}

/** ASGI headers as node:http's flat [name, value, ...] list (repeated names, set-cookie among them, stay apart). */
function flatHeaders(raw: unknown): string[] {
  if (!Array.isArray(raw)) throw new TypeError(`http.response.start "headers" must be a list of [name, value] byte pairs`)
  const flat: string[] = []
  for (const [name, value] of raw as RawHeaders) flat.push(decodeLatin1(name), decodeLatin1(value))
  return flat
}

/** A whole plain-text response of the server's own, with its status's own reason phrase (never one the app set first). */
function answerPlain(response: ServerResponse, status: number, text: string, close: boolean): void {
  const headers: Record<string, string | number> = { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) }
  if (close) headers.connection = 'close'
  response.writeHead(status, STATUS_CODES[status], headers).end(text)
}

const tooLarge = (limit: number) => `Payload Too Large: the body is over ${limit} bytes`

/** A node:http request listener that answers with `app` (for `http.createServer`, `https.createServer` or a framework). */
export function nodeHandler(app: ASGIApp, opts: NodeServerOptions = {}): NodeHandler {
  const limit = opts.maxBodySize
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0) && limit !== Infinity) {
    throw new TypeError(`swasgi: maxBodySize must be a whole number of bytes (0 or more), got ${String(limit)}`)
  }
  return (request, response) => {
    const scope = nodeScope(request, opts)
    if (!scope) return answerPlain(response, 400, 'Bad Request', true)
    if (limit !== undefined && Number(request.headers['content-length']) > limit) return answerPlain(response, 413, tooLarge(limit), true)
    void new NodeExchange(request, response, opts).run(app, scope).catch(logError)
  }
}

/** An http.Server that answers every request with `app`; call `listen()` on it. */
export function createServer(app: ASGIApp, opts: NodeServerOptions = {}): Server {
  return createHTTPServer(nodeHandler(app, opts))
}
