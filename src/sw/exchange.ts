/** One request/response exchange between a Fetch Request and an ASGI app: receive, send, and the Response. */
import { BLOB_EXTENSION, NETWORK_ERROR_EXTENSION, type ASGIApp, type HTTPScope, type Message } from '../types.js'
import type { RawHeaders } from '../datastructures.js'
import { decodeLatin1, typeName } from '../bytes.js'
import { ProtocolError, errorResponse, show } from './errors.js'

/** The part of a `FetchEvent` the adapter uses (so that it compiles and runs outside workers). */
export interface LifetimeEvent {
  waitUntil(promise: Promise<unknown>): void
}

/** What an exchange needs of `handle()`'s options. */
export interface ExchangeOptions {
  /** Answer app errors with their message and stack. */
  debug: boolean
  /** Called with every error of the app. */
  onError: (error: unknown, request: Request) => void
  /** Receives the response's `Set-Cookie` values before the response is handed over. */
  onSetCookie?: (cookies: string[], request: Request) => void | Promise<void>
}

const NULL_BODY = new Set([101, 103, 204, 205, 304])
const REDIRECT = new Set([301, 302, 303, 307, 308])
const EMPTY = new Uint8Array(0)
// Enough to batch small chunks, small enough that a fast producer waits for the reader.
const HIGH_WATER_MARK = 64 * 1024
// The size of the request body chunks read from a Blob.
const BODY_CHUNK = 64 * 1024

/** Fetch headers from ASGI ones: duplicates joined with ", " (browsers keep only the first), set-cookie apart. */
function fetchHeaders(raw: unknown, cookies: string[]): Headers {
  if (!Array.isArray(raw)) throw new TypeError(`http.response.start "headers" must be a list of [name, value] byte pairs`)
  // Joined here first: joining through Headers.get/set costs time quadratic in the duplicates.
  const values = new Map<string, string>()
  for (const pair of raw as RawHeaders) {
    const name = decodeLatin1(pair[0]).toLowerCase()
    const value = decodeLatin1(pair[1])
    if (name === 'set-cookie') cookies.push(value)
    else {
      const before = values.get(name)
      values.set(name, before === undefined ? value : `${before}, ${value}`)
    }
  }
  // Appending one by one is faster than building Headers from a list of pairs.
  const headers = new Headers()
  for (const [name, value] of values) headers.append(name, value)
  return headers
}

function describe(message: unknown): string {
  const type = (message as Message | null)?.type
  return typeof type === 'string' ? `'${type}'` : `a message without a type (${show(message)})`
}

/** Where `location` points, absolute: a relative Location is resolved differently per browser. */
function absoluteLocation(location: string, base: string): string {
  try {
    return new URL(location, base).href
  } catch {
    throw new TypeError(`http.response.start has a Location header that is not a URL: ${JSON.stringify(location)}`)
  }
}

/** What `receive()` reads the request body with: the Request's stream, or a `BlobBodyReader`. */
type BodyReader = Pick<ReadableStreamDefaultReader<Uint8Array>, 'read' | 'releaseLock'>

/**
 * Reads a body that has no stream (Firefox gives a service worker's `FetchEvent.request` no
 * `body`, though its bytes are there) from its Blob, a slice at a time so that it is never copied whole.
 */
class BlobBodyReader implements BodyReader {
  #blob: Promise<Blob> | null = null
  #offset = 0
  readonly #request: Request

  constructor(request: Request) {
    this.#request = request
  }

  async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const blob = await (this.#blob ??= this.#request.blob())
    const start = this.#offset
    if (start >= blob.size) return { done: true, value: undefined }
    this.#offset = Math.min(start + BODY_CHUNK, blob.size)
    return { done: false, value: new Uint8Array(await blob.slice(start, this.#offset).arrayBuffer()) }
  }

  releaseLock(): void {}
}

/** The reader of a request's body; undefined when there can be none. */
function bodyReader(request: Request): BodyReader | undefined {
  const body = request.body
  if (body) return body.getReader()
  const method = request.method
  return method === 'GET' || method === 'HEAD' ? undefined : new BlobBodyReader(request)
}

/** A promise that settles on a later task: what a chunk that goes nowhere costs the app. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/**
 * Started responses whose body is not known yet, opened together on the next task: one timer for
 * all of them, as a timer per request would cost more than the rest of a small exchange.
 */
let unopened: (Exchange | null)[] | null = null

/** Queues `exchange`; returns its place, which `forget` clears once its body is known. */
function openOnNextTask(exchange: Exchange): number {
  if (!unopened) {
    unopened = []
    setTimeout(openAll, 0)
  }
  return unopened.push(exchange) - 1
}

/** Lets go of an exchange whose body is known, so that the queue does not keep it alive. */
function forget(exchange: Exchange, place: number): void {
  if (unopened?.[place] === exchange) unopened[place] = null
}

function openAll(): void {
  const exchanges = unopened!
  unopened = null
  for (const exchange of exchanges) exchange?.openStream()
}

// One shared, already resolved promise: what `send` returns when the app need not wait.
const RESOLVED = Promise.resolve()

// Backpressure in bytes, not chunks.
const BYTES: QueuingStrategy<Uint8Array> = { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength }

type Phase = 'start' | 'body' | 'done'

/**
 * One request/response exchange. A class rather than a nest of closures: this is the per-request
 * hot path. It is also the underlying source of the response body stream (`start`, `pull`, `cancel`).
 * Its own members are `#private`, names a minifier shortens (it keeps TypeScript's `private` ones).
 */
export class Exchange {
  /** Resolves with the Response once the app starts it (or with the 500 when it fails first). */
  readonly result: Promise<Response>
  #resolveResult!: (response: Response) => void

  // --- the client: http.disconnect once the exchange is over, the body is cancelled or the request aborted.
  #gone = false
  #listening = false
  #disconnectMessage: Message | null = null
  /** Made only when someone waits for the disconnect: most requests never do. */
  #disconnected: Promise<Message> | null = null
  #resolveDisconnect: ((message: Message) => void) | null = null
  /** Pending body reads, which a disconnect settles early (no Promise.race: see `readBody`). */
  #readers: Set<(message: Message) => void> | null = null

  // --- receive
  readonly #reader: BodyReader | undefined
  #bodyDone: boolean
  #sentEmpty = false

  // --- send
  #phase: Phase = 'start'
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null
  #room: (() => void) | null = null
  #cancelled = false
  /** Whether an http.response.body message came (a Blob may no longer replace the body). */
  #bodySent = false
  /** A started response whose body is not known yet: bytes, a Blob, or a stream (see `respond`). */
  #opened: { status: number; headers: Headers } | null = null
  /** Its place in the queue of responses opened on the next task. */
  #place = -1
  /** Keeps the worker alive for follow-up work, but never for a long stream (see the README). */
  #releaseLifetime: (() => void) | null = null

  readonly #app: ASGIApp
  readonly #opts: ExchangeOptions
  readonly #request: Request
  readonly #scope: HTTPScope

  constructor(app: ASGIApp, opts: ExchangeOptions, request: Request, scope: HTTPScope, event: LifetimeEvent | undefined) {
    this.#app = app
    this.#opts = opts
    this.#request = request
    this.#scope = scope
    this.result = new Promise<Response>((resolve) => (this.#resolveResult = resolve))
    this.#reader = bodyReader(request)
    this.#bodyDone = !this.#reader
    if (event) event.waitUntil(new Promise<void>((resolve) => (this.#releaseLifetime = resolve)))
    void this.#run()
  }

  async #run(): Promise<void> {
    try {
      await this.#app(this.#scope, this.#nextMessage.bind(this), this.#send.bind(this))
      if (this.#phase === 'start') throw new ProtocolError('the ASGI app returned without starting a response')
      // An app that stops streaming because the client left has done right.
      if (this.#phase === 'body' && !this.#gone) throw new ProtocolError('the ASGI app returned before finishing the response body (more_body was never false)')
    } catch (error) {
      this.#fail(error)
    } finally {
      this.#disconnect()
      this.#releaseLifetime?.()
      this.#reader?.releaseLock()
    }
  }

  #fail(error: unknown): void {
    try {
      this.#opts.onError(error, this.#request)
    } catch (hookError) {
      try {
        console.error('swasgi: the onError hook threw while reporting an error of the ASGI app', hookError, error)
      } catch {
        // Not even the console takes it: the response below is all that is left.
      }
    }
    if (this.#phase === 'start') {
      this.#phase = 'done'
      this.#resolveResult(errorResponse(error, this.#request, this.#opts.debug))
    } else if (this.#phase === 'body') {
      this.#phase = 'done'
      this.openStream()
      this.#controller?.error(error)
    }
  }

  // --- the client going away

  /** The client is gone (or the exchange is over): settle everyone waiting for http.disconnect. */
  #disconnect(): void {
    if (this.#gone) return
    this.#gone = true
    const message = this.#disconnectMessage ?? (this.#disconnectMessage = { type: 'http.disconnect' })
    this.#resolveDisconnect?.(message)
    if (this.#readers) for (const settle of this.#readers) settle(message)
    this.#readers = null
  }

  /** Starts listening for the request's abort signal (lazily: only a waiter needs it). */
  #listen(): void {
    if (this.#listening) return
    this.#listening = true
    const signal = this.#request.signal
    if (!signal) return
    if (signal.aborted) this.#disconnect()
    else signal.addEventListener('abort', () => this.#disconnect(), { once: true })
  }

  /** Resolves with http.disconnect when the client goes away. */
  #waitForDisconnect(): Promise<Message> {
    if (!this.#disconnected) {
      const waiting = new Promise<Message>((resolve) => (this.#resolveDisconnect = resolve))
      this.#listen()
      this.#disconnected = waiting
      if (this.#gone) this.#resolveDisconnect!(this.#disconnectMessage!)
    }
    return this.#disconnected
  }

  // --- receive: the request body chunk by chunk, then http.disconnect once the exchange is over.

  #nextMessage(): Promise<Message> {
    if (!this.#bodyDone) return this.#readBody()
    if (!this.#reader && !this.#sentEmpty) {
      this.#sentEmpty = true
      return Promise.resolve({ type: 'http.request', body: EMPTY, more_body: false })
    }
    return this.#waitForDisconnect()
  }

  /**
   * The next request body chunk, or http.disconnect if the client goes first. Not a Promise.race
   * with one long-lived disconnect promise: every race would stay attached to it, and keep its chunk
   * alive, until the request ends, so a large upload read chunk by chunk would sit whole in memory.
   */
  #readBody(): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      if (this.#gone) return resolve(this.#disconnectMessage!)
      this.#listen()
      if (this.#gone) return resolve(this.#disconnectMessage!) // the signal was already aborted
      const readers = (this.#readers ??= new Set())
      readers.add(resolve)
      this.#reader!.read().then(
        (next) => {
          readers.delete(resolve)
          if (!next.done) resolve({ type: 'http.request', body: next.value, more_body: true })
          else {
            this.#bodyDone = true
            resolve({ type: 'http.request', body: EMPTY, more_body: false })
          }
        },
        (error: unknown) => {
          readers.delete(resolve)
          reject(error)
        },
      )
    })
  }

  // --- send: http.response.start resolves the Response; body messages fill its stream.

  /** The app's `send`: rejects on a bad message, as an async function would. */
  #send(message: Message): Promise<void> {
    try {
      return this.#sendMessage(message) ?? RESOLVED
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Handles one message; returns a promise only when the app must wait (onSetCookie, backpressure). */
  #sendMessage(message: Message): Promise<void> | void {
    const type = message?.type
    if (type === NETWORK_ERROR_EXTENSION && this.#phase !== 'done') return this.#networkError()
    if (this.#phase === 'start') {
      if (type !== 'http.response.start') throw new Error(`Expected ASGI message 'http.response.start', but got ${describe(message)}`)
      const pending = this.#begin(message)
      if (pending) return pending.then(() => void (this.#phase = 'body'))
      this.#phase = 'body'
      return
    }
    if (this.#phase === 'body' && type === BLOB_EXTENSION) return this.#sendBlob(message.blob)
    if (this.#phase === 'done' || type !== 'http.response.body') {
      throw new Error(`Unexpected ASGI message ${describe(message)} ${this.#phase === 'done' ? 'after the response completed' : "while sending the body: expected 'http.response.body'"}`)
    }
    const chunk = (message.body ?? EMPTY) as Uint8Array
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`http.response.body "body" must be a Uint8Array, got ${typeName(chunk)}`)
    const more = message.more_body === true
    this.#bodySent = true
    // Even a whole body in one message goes through the stream: `new Response(bytes)` was slower
    // in Node (undici copies the bytes) and in Chromium (figures: docs' benchmarks).
    this.openStream()
    const controller = this.#controller
    let room: Promise<void> | undefined
    if (controller && !this.#cancelled) {
      if (chunk.byteLength) controller.enqueue(chunk)
      if (!more) controller.close()
      else if (controller.desiredSize! <= 0) room = new Promise<void>((resolve) => (this.#room = resolve))
    }
    if (more) {
      // A stream is on its way: stop holding the worker now (a long stream is cut at 5 minutes).
      if (room) return room.then(() => this.#releaseLifetime?.())
      this.#releaseLifetime?.()
      // A chunk that goes nowhere (HEAD, a null-body status, a cancelled body) still waits for a
      // task, so that an app that ignores http.disconnect cannot block the worker.
      if (!controller || this.#cancelled) return nextTask()
      return
    }
    this.#phase = 'done'
    this.#disconnect()
  }

  /** The NETWORK_ERROR_EXTENSION message: a network error before the response, else a broken body stream. */
  #networkError(): void {
    if (this.#phase === 'start') this.#resolveResult(Response.error())
    else {
      this.openStream()
      this.#controller?.error(new TypeError('network error (http.response.error)'))
    }
    this.#phase = 'done'
    this.#disconnect()
  }

  /**
   * The BLOB_EXTENSION message: the Blob becomes the body as it is, read by the browser itself, or
   * streamed into the body if that was handed out already (see `respond`).
   */
  #sendBlob(blob: unknown): Promise<void> | void {
    if (!(blob instanceof Blob)) throw new TypeError(`http.response.blob "blob" must be a Blob, got ${typeName(blob)}`)
    if (this.#bodySent) throw new Error(`Unexpected ASGI message '${BLOB_EXTENSION}' after body messages: it replaces them`)
    this.#phase = 'done'
    const opened = this.#opened
    if (opened) {
      this.#opened = null
      forget(this, this.#place)
      this.#resolveResult(new Response(blob, opened))
    } else if (this.#controller && !this.#cancelled) return this.#pipe(blob)
    this.#disconnect()
  }

  /** Streams a Blob into the body stream already handed out, at the reader's pace. */
  async #pipe(blob: Blob): Promise<void> {
    const controller = this.#controller!
    const reader = blob.stream().getReader()
    try {
      for (let next = await reader.read(); !next.done && !this.#cancelled; next = await reader.read()) {
        controller.enqueue(next.value)
        if (controller.desiredSize! <= 0) await new Promise<void>((resolve) => (this.#room = resolve))
      }
      if (this.#cancelled) await reader.cancel()
      else controller.close()
    } catch (error) {
      controller.error(error)
      throw error
    } finally {
      this.#disconnect()
    }
  }

  /** Checks http.response.start and resolves the Response; a promise only when onSetCookie must be awaited. */
  #begin(message: Message): Promise<void> | void {
    const status = message.status
    if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599) {
      throw new RangeError(`http.response.start has status ${String(status)}; a Fetch response needs an integer from 200 to 599`)
    }
    const cookies: string[] = []
    const headers = fetchHeaders(message.headers, cookies)
    if (cookies.length) {
      if (this.#opts.onSetCookie) {
        return Promise.resolve(this.#opts.onSetCookie(cookies, this.#request)).then(() => this.#respond(status as number, headers))
      }
      for (const value of cookies) headers.append('set-cookie', value)
    }
    this.#respond(status as number, headers)
  }

  #respond(status: number, headers: Headers): void {
    const location = REDIRECT.has(status) ? headers.get('location') : null
    // A real redirect keeps every header (Response.redirect would drop them); Safari's workers
    // follow it once the Location is absolute (WebKit 282427).
    if (location !== null) headers.set('location', absoluteLocation(location, this.#request.url))
    if (NULL_BODY.has(status) || this.#scope.method === 'HEAD') {
      this.#resolveResult(new Response(null, { status, headers }))
      // No body is needed: the app may stop producing one.
      this.#disconnect()
      return
    }
    // Which body this is shows with the next message: wait for it until the next task, so that a
    // Blob behind middleware (any number of awaits) still becomes the body, while a slow first
    // chunk holds the headers back for one task at most.
    this.#opened = { status, headers }
    this.#place = openOnNextTask(this)
  }

  /** Resolves the started Response with a body stream that the app's body messages fill (at most once; also called by the queue). */
  openStream(): void {
    const opened = this.#opened
    if (!opened) return
    this.#opened = null
    forget(this, this.#place)
    this.#resolveResult(new Response(new ReadableStream<Uint8Array>(this, BYTES), opened))
  }

  // --- the underlying source of the body stream

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller
  }

  pull(): void {
    const room = this.#room
    this.#room = null
    room?.()
  }

  cancel(): void {
    this.#cancelled = true
    this.pull()
    this.#disconnect()
  }
}
