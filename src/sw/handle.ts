import type { ASGIApp, HTTPScope, Message } from '../types.js'
import { decodeLatin1, encodeLatin1, type RawHeaders } from '../datastructures.js'
import { ProtocolError, errorResponse } from './errors.js'

/** The part of a `FetchEvent` the adapter uses (so that it compiles and runs outside workers). */
export interface LifetimeEvent {
  waitUntil(promise: Promise<unknown>): void
}

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

const NULL_BODY = new Set([101, 103, 204, 205, 304])
const REDIRECT = new Set([301, 302, 303, 307, 308])
const EMPTY = new Uint8Array(0)
// Enough to batch small chunks, small enough that a fast producer waits for the reader.
const HIGH_WATER_MARK = 64 * 1024

/** Percent-decodes a path as UTF-8; an escape that does not decode is kept as it is. */
export function decodePath(rawPath: string): string {
  if (!rawPath.includes('%')) return rawPath
  return rawPath.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}

/** The ASGI scope of a Fetch request. */
export function requestScope(request: Request, opts: HandleOptions, cookie?: string | null): HTTPScope {
  const url = new URL(request.url)
  const headers: RawHeaders = []
  let hasHost = false
  for (const [name, value] of request.headers) {
    if (name === 'host') hasHost = true
    if (name === 'cookie' && cookie != null) continue
    headers.push([encodeLatin1(name), encodeLatin1(value, `Request header ${name}`)])
  }
  // A worker's request carries no Host header; ASGI apps (and Starlette's URL) expect one.
  if (!hasHost) headers.unshift([encodeLatin1('host'), encodeLatin1(url.host)])
  if (cookie) headers.push([encodeLatin1('cookie'), encodeLatin1(cookie, 'Cookie header')])
  const scheme = url.protocol === 'https:' ? 'https' : 'http'
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  return {
    type: 'http',
    asgi: { version: '3.0', spec_version: '2.4' },
    http_version: '1.1',
    method: request.method.toUpperCase(),
    scheme,
    path: decodePath(url.pathname),
    raw_path: encodeLatin1(url.pathname),
    query_string: encodeLatin1(url.search.slice(1)),
    root_path: opts.rootPath ?? '',
    headers,
    client: opts.client ?? null,
    server: [hostname, url.port ? Number(url.port) : scheme === 'https' ? 443 : 80],
    state: { ...opts.state },
    extensions: {},
  }
}

/** Fetch headers from ASGI ones: duplicates joined with ", " (browsers keep only the first), set-cookie apart. */
function fetchHeaders(raw: unknown, cookies: string[]): Headers {
  if (!Array.isArray(raw)) throw new TypeError(`http.response.start "headers" must be a list of [name, value] byte pairs`)
  const joined = new Map<string, string>()
  for (const pair of raw as RawHeaders) {
    const name = decodeLatin1(pair[0]).toLowerCase()
    const value = decodeLatin1(pair[1])
    if (name === 'set-cookie') cookies.push(value)
    else {
      const before = joined.get(name)
      joined.set(name, before === undefined ? value : `${before}, ${value}`)
    }
  }
  return new Headers([...joined])
}

function typeName(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value
}

function describe(message: unknown): string {
  const type = (message as Message | null)?.type
  return typeof type === 'string' ? `'${type}'` : `a message without a type (${String(message)})`
}

/** A promise with its resolve function. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

const logError = (error: unknown) => console.error('swasgi: error in the ASGI app', error)

/**
 * Adapts an ASGI app to the Fetch API: each Request becomes a scope, `receive` and `send`, and
 * the Response resolves as soon as the app starts its response; the body streams as it is sent.
 */
export function handle(app: ASGIApp, opts: HandleOptions = {}): FetchHandler {
  const onError = opts.onError ?? logError
  return async (request, event) => {
    const cookie = opts.cookie ? await opts.cookie(request) : undefined
    return respond(app, opts, onError, request, requestScope(request, opts, cookie), event)
  }
}

function respond(
  app: ASGIApp,
  opts: HandleOptions,
  onError: (error: unknown, request: Request) => void,
  request: Request,
  scope: HTTPScope,
  event: LifetimeEvent | undefined,
): Promise<Response> {
  const result = deferred<Response>()
  const disconnect = deferred<Message>()
  const gone = () => disconnect.resolve({ type: 'http.disconnect' })
  request.signal?.addEventListener('abort', gone, { once: true })

  // --- receive: the request body chunk by chunk, then http.disconnect once the exchange is over.
  const reader = request.body?.getReader()
  let bodyDone = !reader
  let sentEmpty = false
  const receive = async (): Promise<Message> => {
    if (!bodyDone) {
      const next = await Promise.race([reader!.read(), disconnect.promise])
      if ('type' in next) return next
      if (!next.done) return { type: 'http.request', body: next.value, more_body: true }
      bodyDone = true
      return { type: 'http.request', body: EMPTY, more_body: false }
    }
    if (!reader && !sentEmpty) {
      sentEmpty = true
      return { type: 'http.request', body: EMPTY, more_body: false }
    }
    return disconnect.promise
  }

  // --- send: http.response.start resolves the Response; body messages fill its stream.
  let phase: 'start' | 'body' | 'done' = 'start'
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null
  let room: { promise: Promise<void>; resolve: () => void } | null = null
  let cancelled = false
  // Keep the worker alive for follow-up work, but never for a long stream (see the README).
  const lifetime = deferred()
  event?.waitUntil(lifetime.promise)

  const start = async (message: Message) => {
    const status = message.status
    if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599) {
      throw new RangeError(`http.response.start has status ${String(status)}; a Fetch response needs an integer from 200 to 599`)
    }
    const cookies: string[] = []
    const headers = fetchHeaders(message.headers, cookies)
    if (cookies.length) {
      if (opts.onSetCookie) await opts.onSetCookie(cookies, request)
      else for (const value of cookies) headers.append('set-cookie', value)
    }
    const location = headers.get('location')
    if (REDIRECT.has(status as number) && location !== null) {
      // Safari's workers only follow redirects made by Response.redirect (absolute URL).
      result.resolve(Response.redirect(new URL(location, request.url).href, status as number))
      return
    }
    if (NULL_BODY.has(status as number) || scope.method === 'HEAD') {
      result.resolve(new Response(null, { status: status as number, headers }))
      return
    }
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => void (controller = c),
        pull: () => room?.resolve(),
        cancel: () => {
          cancelled = true
          room?.resolve()
          gone()
        },
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    )
    result.resolve(new Response(body, { status: status as number, headers }))
  }

  const send = async (message: Message): Promise<void> => {
    const type = message?.type
    if (phase === 'start') {
      if (type !== 'http.response.start') throw new Error(`Expected ASGI message 'http.response.start', but got ${describe(message)}`)
      await start(message)
      phase = 'body'
      return
    }
    if (phase === 'done' || type !== 'http.response.body') {
      throw new Error(`Unexpected ASGI message ${describe(message)} ${phase === 'done' ? 'after the response completed' : "while sending the body: expected 'http.response.body'"}`)
    }
    const chunk = (message.body ?? EMPTY) as Uint8Array
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`http.response.body "body" must be a Uint8Array, got ${typeName(chunk)}`)
    const more = message.more_body === true
    if (controller && !cancelled) {
      if (chunk.byteLength) controller.enqueue(chunk)
      if (!more) controller.close()
      else if (controller.desiredSize! <= 0) {
        room = deferred()
        await room.promise
        room = null
      }
    }
    if (more) {
      // A stream is on its way: stop holding the worker now (a long stream is cut at 5 minutes).
      lifetime.resolve()
      return
    }
    phase = 'done'
    gone()
  }

  const fail = (error: unknown) => {
    onError(error, request)
    if (phase === 'start') {
      phase = 'done'
      result.resolve(errorResponse(error, request, opts.debug === true))
    } else if (phase === 'body') {
      phase = 'done'
      controller?.error(error)
    }
  }

  void (async () => {
    try {
      await app(scope, receive, send)
      if (phase === 'start') throw new ProtocolError('the ASGI app returned without starting a response')
      if (phase === 'body') throw new ProtocolError('the ASGI app returned before finishing the response body (more_body was never false)')
    } catch (error) {
      fail(error)
    } finally {
      gone()
      lifetime.resolve()
      reader?.releaseLock()
    }
  })()
  return result.promise
}
