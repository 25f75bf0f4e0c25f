/** An ASGI app served over node:http: streaming both ways, backpressure, and http.disconnect when the client leaves. */
import { createServer as createHTTPServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
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
}

/** A node:http request listener. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void

const EMPTY = new Uint8Array(0)
const RESOLVED = Promise.resolve()
const waitATick = () => {}
// A Host header is a host name or address and a port: anything else (a '/', an '@') would change the URL's path or origin.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::\d*)?$/
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
    if (name === 'host') host ??= raw[i + 1]
    headers.push([encodeLatin1(name), encodeLatin1(raw[i + 1])])
  }
  const target = request.url ?? '/'
  let href: string
  if (target.startsWith('/')) {
    host ??= `${socket.localAddress}:${socket.localPort}`
    if (!HOST.test(host)) return null
    href = `${https ? 'https' : 'http'}://${host}${target}`
  } else {
    if (!URL.canParse(target)) return null // "*" (OPTIONS) and malformed targets
    href = target
  }
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
      if (this.phase === 'body') throw new ProtocolError('the ASGI app returned before finishing the response body (more_body was never false)')
    } catch (error) {
      ;(this.opts.onError ?? logError)(error, this.request)
      if (this.phase === 'start' && !this.gone) {
        const text = error instanceof ProtocolError ? `Internal Server Error: ${error.message}` : 'Internal Server Error'
        this.response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text)
      } else this.response.destroy() // a started response cannot turn into an error: cut it short
      this.phase = 'done'
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
    return { type: 'http.request', body: new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength), more_body: true }
  }

  /** The app's `send`; a promise only when the app must wait for the socket to drain. */
  private send(message: Message): Promise<void> | void {
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
    if (this.gone) return
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

/** A node:http request listener that answers with `app` (for `http.createServer`, `https.createServer` or a framework). */
export function nodeHandler(app: ASGIApp, opts: NodeServerOptions = {}): NodeHandler {
  return (request, response) => {
    const scope = nodeScope(request, opts)
    if (!scope) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Bad Request')
      return
    }
    void new NodeExchange(request, response, opts).run(app, scope)
  }
}

/** An http.Server that answers every request with `app`; call `listen()` on it. */
export function createServer(app: ASGIApp, opts: NodeServerOptions = {}): Server {
  return createHTTPServer(nodeHandler(app, opts))
}
