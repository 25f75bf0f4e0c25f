import { afterEach, describe, expect, test, vi } from 'vitest'
import { EventSourceResponse, encodeEvent, lastEventId, type EventItem } from '../../src/responses/index.js'
import { Request } from '../../src/requests.js'
import type { Message } from '../../src/types.js'
import { call, httpScope, recordingSend, scriptedReceive } from '../helpers/asgi.js'

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const bodies = (messages: Message[]) => messages.filter((m) => m.type === 'http.response.body').map((m) => text(m.body as Uint8Array))
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)

afterEach(() => {
  vi.useRealTimers()
})

describe('the event-stream wire format (sse-starlette ServerSentEvent.encode)', () => {
  test('a string is the data of one event; each line of it its own data: line', () => {
    expect(text(encodeEvent('hello'))).toBe('data: hello\r\n\r\n')
    expect(text(encodeEvent('a\nb\r\nc\rd'))).toBe('data: a\r\ndata: b\r\ndata: c\r\ndata: d\r\n\r\n')
    expect(text(encodeEvent(''))).toBe('data: \r\n\r\n')
  })

  test('fields in sse-starlette order: comment, id, event, data, retry', () => {
    const frame = encodeEvent({ retry: 3000, data: 'x\ny', event: 'update', id: '42', comment: 'hi\nthere' })
    expect(text(frame)).toBe(': hi\r\n: there\r\nid: 42\r\nevent: update\r\ndata: x\r\ndata: y\r\nretry: 3000\r\n\r\n')
  })

  test('line breaks are removed from id and event, which a break would split into a new field', () => {
    expect(text(encodeEvent({ id: '1\r\n2', event: 'a\nb\rc' }))).toBe('id: 12\r\nevent: abc\r\n\r\n')
  })

  test('numbers are written as text; an empty object is a bare dispatch', () => {
    expect(text(encodeEvent({ data: 7, id: 3 }))).toBe('id: 3\r\ndata: 7\r\n\r\n')
    expect(text(encodeEvent({}))).toBe('\r\n')
  })

  test('the separator can be \\n or \\r; bytes go out as they are', () => {
    expect(text(encodeEvent({ data: 'a\r\nb', event: 'e' }, '\n'))).toBe('event: e\ndata: a\ndata: b\n\n')
    expect(text(encodeEvent('x', '\r'))).toBe('data: x\r\r')
    const raw = new TextEncoder().encode('event: raw\n\n')
    expect(encodeEvent(raw)).toBe(raw)
  })

  test('multi-byte text is UTF-8', () => {
    expect([...encodeEvent('é')]).toEqual([...new TextEncoder().encode('data: é\r\n\r\n')])
  })

  test('bad events are refused with the reason', () => {
    expect(() => encodeEvent({ data: { a: 1 } as never })).toThrow(/data must be a string or a number, got Object.*JSON\.stringify/)
    expect(() => encodeEvent({ retry: 1.5 })).toThrow(/retry must be a non-negative integer/)
    expect(() => encodeEvent({ retry: -1 })).toThrow(/retry must be a non-negative integer/)
    expect(() => encodeEvent(42 as never)).toThrow(/items must be events, strings or Uint8Arrays, got number/)
    expect(() => encodeEvent(null as never)).toThrow(/got null/)
  })
})

describe('EventSourceResponse', () => {
  test("sse-starlette's headers: no-store, keep-alive, no buffering, then text/event-stream", () => {
    const response = new EventSourceResponse([])
    expect(response.rawHeaders.map(([k, v]) => [latin1(k), latin1(v)])).toEqual([
      ['cache-control', 'no-store'],
      ['connection', 'keep-alive'],
      ['x-accel-buffering', 'no'],
      ['content-type', 'text/event-stream; charset=utf-8'],
    ])
  })

  test('the cache policy can be overridden, the buffering hint cannot', () => {
    const response = new EventSourceResponse([], { headers: { 'cache-control': 'public, max-age=1', 'x-accel-buffering': 'yes', 'x-a': '1' } })
    expect(response.headers.get('cache-control')).toBe('public, max-age=1')
    expect(response.headers.getAll('x-accel-buffering')).toEqual(['no'])
    expect(response.headers.get('x-a')).toBe('1')
    expect(response.statusCode).toBe(200)
  })

  test('each event is one body message, then the end', async () => {
    async function* events(): AsyncGenerator<EventItem> {
      yield 'one'
      yield { event: 'two', data: 'a\nb', id: '2' }
      yield new TextEncoder().encode(': raw\r\n\r\n')
    }
    const messages = await call(new EventSourceResponse(events(), { ping: 0 }))
    expect(messages[0]).toMatchObject({ type: 'http.response.start', status: 200 })
    expect(bodies(messages)).toEqual(['data: one\r\n\r\n', 'id: 2\r\nevent: two\r\ndata: a\r\ndata: b\r\n\r\n', ': raw\r\n\r\n', ''])
    expect(messages.at(-1)).toMatchObject({ more_body: false })
  })

  test('sync iterables and functions of a signal are content too', async () => {
    expect(bodies(await call(new EventSourceResponse(['a', 'b'])))).toEqual(['data: a\r\n\r\n', 'data: b\r\n\r\n', ''])
    let seen: AbortSignal | null = null
    const response = new EventSourceResponse((signal) => {
      seen = signal
      return [{ data: 1 }]
    })
    expect(bodies(await call(response))).toEqual(['data: 1\r\n\r\n', ''])
    expect(seen!.aborted).toBe(true) // the stream is over
  })

  test('bad content and options are refused at construction', () => {
    expect(() => new EventSourceResponse('data: x' as never)).toThrow(/content must be an iterable of events or a function returning one, got string/)
    expect(() => new EventSourceResponse(null as never)).toThrow(/got null/)
    expect(() => new EventSourceResponse([], { ping: -1 })).toThrow(/ping must be a number of seconds/)
    expect(() => new EventSourceResponse([], { ping: NaN })).toThrow(/ping must be a number of seconds/)
    expect(() => new EventSourceResponse([], { sep: '\t' as never })).toThrow(/sep must be/)
  })

  test('a function that returns no iterable fails the response with the reason', async () => {
    await expect(call(new EventSourceResponse(() => 5 as never))).rejects.toThrow(/content must be an iterable of events or a function returning one, got number/)
  })

  test('a bad event fails the response and closes the generator', async () => {
    let closed = false
    async function* events() {
      try {
        yield 'fine'
        yield 42 as never
        yield 'never'
      } finally {
        closed = true
      }
    }
    await expect(call(new EventSourceResponse(events()))).rejects.toThrow(/got number/)
    expect(closed).toBe(true)
  })

  test('a ping comment after each interval of silence, in sse-starlette form; none once the stream is over', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 12, 0, 0, 250) })
    let release!: () => void
    async function* events() {
      yield 'first'
      await new Promise<void>((resolve) => (release = resolve))
      yield 'second'
    }
    const send = recordingSend()
    const done = new EventSourceResponse(events(), { ping: 2 })(httpScope(), scriptedReceive(), send)
    await vi.advanceTimersByTimeAsync(0)
    expect(bodies(send.messages)).toEqual(['data: first\r\n\r\n'])
    await vi.advanceTimersByTimeAsync(1999)
    expect(bodies(send.messages)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(bodies(send.messages)[1]).toBe(': ping - 2026-11-30 12:00:02.250000+00:00\r\n\r\n')
    await vi.advanceTimersByTimeAsync(2000)
    expect(bodies(send.messages)).toHaveLength(3)
    release()
    await vi.advanceTimersByTimeAsync(0)
    await done
    expect(bodies(send.messages).slice(3)).toEqual(['data: second\r\n\r\n', ''])
    // Nothing left to keep a finished stream (or the process) alive.
    expect(vi.getTimerCount()).toBe(0)
  })

  test('pings are every 15 seconds by default', async () => {
    vi.useFakeTimers()
    const send = recordingSend()
    const receive = scriptedReceive()
    const done = new EventSourceResponse(async function* (signal) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve))
    })(httpScope(), receive, send)
    await vi.advanceTimersByTimeAsync(14_999)
    expect(bodies(send.messages)).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(bodies(send.messages)[0]).toMatch(/^: ping - \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00\r\n\r\n$/)
    receive.disconnect()
    await done
    expect(vi.getTimerCount()).toBe(0)
  })

  test("the client leaving while the generator waits aborts its signal and runs its finally at once", async () => {
    const log: string[] = []
    const receive = scriptedReceive()
    const send = recordingSend()
    const response = new EventSourceResponse(async function* (signal) {
      try {
        yield 'hello'
        // Waits "forever" for the next event, unless the client leaves.
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
        yield 'never'
      } finally {
        log.push('finally')
      }
    })
    const done = response(httpScope(), receive, send)
    await vi.waitFor(() => expect(bodies(send.messages)).toEqual(['data: hello\r\n\r\n']))
    receive.disconnect()
    await done
    await vi.waitFor(() => expect(log).toEqual(['finally']), { timeout: 50 })
    expect(bodies(send.messages)).toEqual(['data: hello\r\n\r\n'])
  })

  test('the client leaving while the generator waits on something that ignores the signal still ends the response', async () => {
    const receive = scriptedReceive()
    const send = recordingSend()
    const done = new EventSourceResponse(async function* () {
      yield 'hello'
      await new Promise(() => {}) // never settles, and no signal to cut it short
    })(httpScope(), receive, send)
    await vi.waitFor(() => expect(bodies(send.messages)).toEqual(['data: hello\r\n\r\n']))
    receive.disconnect()
    const ended = await Promise.race([done.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still running after 1 s'), 1000))])
    expect(ended).toBe('ended')
  })

  test("an error in such a generator's finally, once its wait ends, is logged with what happened", async () => {
    const errors: unknown[][] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args))
    try {
      let release!: () => void
      const receive = scriptedReceive()
      const done = new EventSourceResponse(async function* () {
        try {
          yield 'hello'
          await new Promise<void>((resolve) => (release = resolve))
        } finally {
          throw new Error('cleanup failed')
        }
      })(httpScope(), receive, recordingSend())
      await vi.waitFor(() => expect(release).toBeTypeOf('function'))
      receive.disconnect()
      await done
      release()
      await vi.waitFor(() => expect(errors).toHaveLength(1))
      expect(errors[0][0]).toMatch(/EventSourceResponse generator failed while closing after its client left/)
      expect(String(errors[0][1])).toBe('Error: cleanup failed')
    } finally {
      spy.mockRestore()
    }
  })

  test('the client leaving while a ping is due stops the stream and its timer', async () => {
    vi.useFakeTimers()
    const receive = scriptedReceive()
    let closed = false
    const done = new EventSourceResponse(
      async function* () {
        try {
          yield 'a'
          for (;;) yield await new Promise<string>((resolve) => setTimeout(() => resolve('tick'), 10_000))
        } finally {
          closed = true
        }
      },
      { ping: 1 },
    )(httpScope(), receive, recordingSend())
    await vi.advanceTimersByTimeAsync(2500)
    receive.disconnect()
    await vi.advanceTimersByTimeAsync(10_000) // the generator's own timer: its finally runs when that wait ends
    await done
    expect(closed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('lastEventId', () => {
  const request = (headers: [string, string][], query = '') =>
    new Request(httpScope({ headers: headers.map(([k, v]) => [new TextEncoder().encode(k), new TextEncoder().encode(v)]), query_string: new TextEncoder().encode(query) }))

  test('the Last-Event-ID header first, then the query parameter, then the cookie', () => {
    expect(lastEventId(request([['last-event-id', '7'], ['cookie', 'last-event-id=5']], 'lastEventId=6'))).toBe('7')
    expect(lastEventId(request([['cookie', 'last-event-id=5']], 'lastEventId=6'))).toBe('6')
    expect(lastEventId(request([['cookie', 'a=1; last-event-id=5']]))).toBe('5')
    expect(lastEventId(request([]))).toBeNull()
  })

  test('the query parameter and cookie names can be chosen', () => {
    expect(lastEventId(request([['cookie', 'feed-id=9']], 'since=3'), { query: 'since' })).toBe('3')
    expect(lastEventId(request([['cookie', 'feed-id=9']]), { cookie: 'feed-id' })).toBe('9')
  })
})
