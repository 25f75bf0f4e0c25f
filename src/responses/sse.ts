import { encodeUTF8, typeName } from '../bytes.js'
import { StreamingResponse } from './streaming.js'
import { responseOptions, type ResponseOptions } from './response.js'

/** One Server-Sent Event; every field is optional (an empty object is a bare dispatch). */
export interface ServerSentEvent {
  /** The payload; several lines become several `data:` lines. Numbers are written as text. */
  data?: string | number | bigint
  /** The event type (`addEventListener(type)` on the page); the default is `message`. */
  event?: string
  /** Becomes the client's last event id, sent back as `Last-Event-ID` when it reconnects. */
  id?: string | number
  /** How long the client waits before reconnecting, in milliseconds. */
  retry?: number
  /** Comment lines, which the client ignores (pings are comments). */
  comment?: string
}

/** One item of an event stream: an event, a string (sent as the data of one event), or raw bytes sent as they are. */
export type EventItem = ServerSentEvent | string | Uint8Array

/** What `EventSourceResponse` streams: items, or a function of an AbortSignal returning them. */
export type EventSourceContent =
  | AsyncIterable<EventItem>
  | Iterable<EventItem>
  | ((signal: AbortSignal) => AsyncIterable<EventItem> | Iterable<EventItem>)

/** Line separators the event-stream format allows. */
export type EventSeparator = '\r\n' | '\r' | '\n'

/** Options of `EventSourceResponse`: the response's own, a ping interval and the line separator. */
export interface EventSourceOptions extends ResponseOptions {
  /** Seconds of silence after which a ping comment is sent (default 15; 0 never pings). */
  ping?: number
  /** The line separator (default `\r\n`, as sse-starlette). */
  sep?: EventSeparator
}

const LINE_BREAK = /\r\n|\r|\n/
const LINE_BREAKS = /\r\n|\r|\n/g
const SEPARATORS = ['\r\n', '\r', '\n']

function dataText(data: unknown): string {
  if (typeof data === 'string') return data
  if (typeof data === 'number' || typeof data === 'bigint') return String(data)
  throw new TypeError(`Server-sent event data must be a string or a number, got ${typeName(data)} (JSON.stringify objects first)`)
}

/** The wire form of one event: comments, id, event, data lines, retry, then a blank line (sse-starlette's order). */
export function encodeEvent(item: EventItem, sep: EventSeparator = '\r\n'): Uint8Array {
  if (item instanceof Uint8Array) return item
  if (typeof item === 'string') return encodeUTF8(`data: ${item.split(LINE_BREAK).join(`${sep}data: `)}${sep}${sep}`)
  if (item === null || typeof item !== 'object') {
    throw new TypeError(`EventSourceResponse items must be events, strings or Uint8Arrays, got ${typeName(item)}`)
  }
  let text = ''
  if (item.comment != null) for (const line of String(item.comment).split(LINE_BREAK)) text += `: ${line}${sep}`
  // A line break in an id or an event type would start a new field: dropped, as sse-starlette does.
  if (item.id != null) text += `id: ${String(item.id).replace(LINE_BREAKS, '')}${sep}`
  if (item.event != null) text += `event: ${String(item.event).replace(LINE_BREAKS, '')}${sep}`
  if (item.data != null) for (const line of dataText(item.data).split(LINE_BREAK)) text += `data: ${line}${sep}`
  if (item.retry != null) {
    if (!Number.isInteger(item.retry) || item.retry < 0) throw new TypeError(`Server-sent event retry must be a non-negative integer of milliseconds, got ${String(item.retry)}`)
    text += `retry: ${item.retry}${sep}`
  }
  return encodeUTF8(text + sep)
}

/** Python's `str(datetime.now(timezone.utc))`, which sse-starlette's ping comment carries. */
function pythonNow(): string {
  const iso = new Date().toISOString() // 2026-11-30T12:00:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00:00`
}

/** The last event id the client saw: the `Last-Event-ID` header, else the query parameter, else the cookie (see docs/sse.md). */
export function lastEventId(
  request: { headers: { get(name: string): string | null }; queryParams: URLSearchParams; cookies: Record<string, string> },
  { query = 'lastEventId', cookie = 'last-event-id' }: { query?: string; cookie?: string } = {},
): string | null {
  return request.headers.get('last-event-id') ?? request.queryParams.get(query) ?? request.cookies[cookie] ?? null
}

function isIterable(value: unknown): value is AsyncIterable<EventItem> | Iterable<EventItem> {
  return value != null && typeof value !== 'string' && (Symbol.asyncIterator in Object(value) || Symbol.iterator in Object(value))
}

const DONE: IteratorResult<Uint8Array> = { done: true, value: undefined }
const closeFailed = (error: unknown) => console.error('swasgi: an EventSourceResponse generator failed while closing after its client left', error)

/**
 * The encoded stream: the app's events, with a ping after each `ping` seconds of silence. A plain
 * iterator, not an async generator: its `return()` must act at once, even while an event is awaited
 * (a generator's `return()` would wait behind the pending `next()`).
 */
class EventStream implements AsyncIterableIterator<Uint8Array> {
  private readonly controller = new AbortController()
  private events: AsyncIterator<EventItem> | Iterator<EventItem> | null = null
  /** Whether an event is being awaited; a ping may go out meanwhile, and the next call keeps waiting for it. */
  private awaiting = false
  private arrived: { next: IteratorResult<EventItem> } | { error: unknown } | null = null
  /** Wakes the current `next()` when the event arrives or the stream stops. */
  private wake: (() => void) | null = null
  private timer: ReturnType<typeof setTimeout> | undefined
  private finished = false

  constructor(
    private readonly content: EventSourceContent,
    private readonly sep: EventSeparator,
    private readonly pingMs: number,
  ) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  private open(): AsyncIterator<EventItem> | Iterator<EventItem> {
    const content = typeof this.content === 'function' ? this.content(this.controller.signal) : this.content
    if (!isIterable(content)) throw new TypeError(`EventSourceResponse content must be an iterable of events or a function returning one, got ${typeName(content)}`)
    return Symbol.asyncIterator in content ? content[Symbol.asyncIterator]() : (content as Iterable<EventItem>)[Symbol.iterator]()
  }

  /** Asks the app for its next event; one pair of reactions per event, however many pings go out meanwhile. */
  private request(events: AsyncIterator<EventItem> | Iterator<EventItem>): void {
    this.awaiting = true
    const settle = (arrived: NonNullable<EventStream['arrived']>) => {
      this.arrived = arrived
      this.wake?.()
    }
    new Promise<IteratorResult<EventItem>>((resolve) => resolve(events.next())).then(
      (next) => settle({ next }),
      (error: unknown) => {
        // After the client left nobody reads it: only the abort's own reason is expected here.
        if (this.finished && error !== this.controller.signal.reason) closeFailed(error)
        settle({ error })
      },
    )
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.finished) return DONE
    try {
      this.events ??= this.open()
    } catch (error) {
      this.stop()
      throw error
    }
    if (!this.awaiting) this.request(this.events)
    if (!this.arrived) {
      const pinged = await new Promise<boolean>((resolve) => {
        this.wake = () => resolve(false)
        if (this.pingMs > 0) this.timer = setTimeout(() => resolve(true), this.pingMs)
      })
      clearTimeout(this.timer)
      this.wake = null
      if (this.finished) return DONE
      if (pinged) return { done: false, value: encodeEvent({ comment: `ping - ${pythonNow()}` }, this.sep) }
    }
    const arrived = this.arrived!
    this.arrived = null
    this.awaiting = false
    if ('error' in arrived) {
      this.stop()
      throw arrived.error
    }
    if (arrived.next.done) {
      this.stop()
      return DONE
    }
    try {
      return { done: false, value: encodeEvent(arrived.next.value, this.sep) }
    } catch (error) {
      await this.return()
      throw error
    }
  }

  /**
   * The client left (or the response failed): abort the signal, then close the app's iterator so
   * that its `finally` runs. While the app is still awaiting inside its generator, that close waits
   * behind the await, which may never end: the response does not wait for it then.
   */
  async return(): Promise<IteratorResult<Uint8Array>> {
    if (this.finished) return DONE
    this.stop()
    this.wake?.()
    const closing = this.events?.return?.()
    if (this.awaiting && !this.arrived) {
      Promise.resolve(closing).catch(closeFailed)
    } else await closing
    return DONE
  }

  private stop(): void {
    this.finished = true
    clearTimeout(this.timer)
    this.controller.abort()
  }
}

/**
 * Server-Sent Events on `StreamingResponse`: each item becomes one `text/event-stream` frame as it
 * is produced, with sse-starlette's headers and ping comments.
 */
export class EventSourceResponse extends StreamingResponse {
  static override mediaType: string | null = 'text/event-stream'

  constructor(content: EventSourceContent, init?: number | EventSourceOptions) {
    const options = responseOptions(init) as EventSourceOptions
    const ping = options.ping ?? 15
    if (typeof ping !== 'number' || !(ping >= 0) || ping === Infinity) throw new TypeError(`EventSourceResponse ping must be a number of seconds (0 for none), got ${String(ping)}`)
    const sep = options.sep ?? '\r\n'
    if (!SEPARATORS.includes(sep)) throw new TypeError(`EventSourceResponse sep must be "\\r\\n", "\\r" or "\\n", got ${JSON.stringify(sep)}`)
    if (typeof content !== 'function' && !isIterable(content)) {
      throw new TypeError(`EventSourceResponse content must be an iterable of events or a function returning one, got ${typeName(content)}`)
    }
    super(new EventStream(content, sep, ping * 1000), options)
  }

  /** sse-starlette's header set before the content-type: the cache policy may be overridden, the buffering hints may not. */
  protected override populateHeaders(): void {
    const headers = this.headers
    headers.setDefault('cache-control', 'no-store')
    headers.set('connection', 'keep-alive')
    headers.set('x-accel-buffering', 'no')
    super.populateHeaders()
  }
}
