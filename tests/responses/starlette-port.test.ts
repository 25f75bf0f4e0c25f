// Starlette's own tests/test_responses.py (Kludex/starlette), ported where they apply to the
// in-memory and streaming classes. Each test names the upstream one it follows.
import { afterEach, describe, expect, test, vi } from 'vitest'
import { JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse } from '../../src/responses/index.js'
import type { Message, Receive } from '../../src/types.js'
import { bodyText, call, headerPairs, httpScope, recordingSend } from '../helpers/asgi.js'

const header = (messages: Message[], name: string) => headerPairs(messages[0]).find(([k]) => k === name)?.[1]

afterEach(() => {
  vi.useRealTimers()
})

describe('ported from Starlette test_responses.py', () => {
  test('test_text_response', async () => {
    expect(bodyText(await call(new Response('hello, world', { mediaType: 'text/plain' })))).toBe('hello, world')
  })

  test('test_bytes_response', async () => {
    const messages = await call(new Response(new Uint8Array([120, 120, 120, 120, 120]), { mediaType: 'image/png' }))
    expect(messages[1].body).toEqual(new TextEncoder().encode('xxxxx'))
  })

  test('test_json_none_response', async () => {
    const messages = await call(new JSONResponse(null))
    expect(bodyText(messages)).toBe('null')
    expect(JSON.parse(bodyText(messages))).toBeNull()
  })

  test('test_redirect_response / test_quoting_redirect_response', async () => {
    expect(header(await call(new RedirectResponse('/')), 'location')).toBe('/')
    expect(header(await call(new RedirectResponse('/I ♥ Starlette/')), 'location')).toBe('/I%20%E2%99%A5%20Starlette/')
  })

  test('test_redirect_response_content_length_header', async () => {
    const messages = await call(new RedirectResponse('/'))
    expect(messages[0].status).toBe(307)
    expect(header(messages, 'content-length')).toBe('0')
  })

  test('test_streaming_response: background runs after the stream, not before', async () => {
    const filled: number[] = []
    async function* numbers(min: number, max: number) {
      for (let i = min; i <= max; i++) {
        yield String(i)
        if (i !== max) yield ', '
        await new Promise((r) => setTimeout(r, 0))
      }
    }
    const response = new StreamingResponse(numbers(1, 5), {
      mediaType: 'text/plain',
      background: () => void filled.push(6, 7, 8, 9),
    })
    expect(filled).toEqual([])
    const messages = await call(response)
    expect(bodyText(messages)).toBe('1, 2, 3, 4, 5')
    expect(filled).toEqual([6, 7, 8, 9])
  })

  test('test_streaming_response_custom_iterator', async () => {
    class CustomAsyncIterator {
      [Symbol.asyncIterator]() {
        return this
      }
      n = 0
      async next(): Promise<IteratorResult<string>> {
        this.n++
        return this.n <= 5 ? { done: false, value: String(this.n) } : { done: true, value: undefined }
      }
    }
    expect(bodyText(await call(new StreamingResponse(new CustomAsyncIterator())))).toBe('12345')
  })

  test('test_streaming_response_custom_iterable', async () => {
    const iterable = {
      async *[Symbol.asyncIterator]() {
        for (let i = 1; i <= 5; i++) yield String(i)
      },
    }
    expect(bodyText(await call(new StreamingResponse(iterable)))).toBe('12345')
  })

  test('test_sync_streaming_response (and lists, as Starlette >= 0.35)', async () => {
    function* numbers() {
      for (let i = 1; i <= 5; i++) yield String(i)
    }
    expect(bodyText(await call(new StreamingResponse(numbers())))).toBe('12345')
    expect(bodyText(await call(new StreamingResponse(['1', '2', '3'])))).toBe('123')
  })

  test('test_response_headers', async () => {
    const response = new JSONResponse({ hello: 'world' }, { headers: { 'x-header-1': '123', 'x-header-2': '456' } })
    response.headers.set('x-header-2', '789')
    const messages = await call(response)
    expect(header(messages, 'x-header-1')).toBe('123')
    expect(header(messages, 'x-header-2')).toBe('789')
  })

  test('test_set_cookie (time frozen at 2037-01-22 12:00Z)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2037-01-22T12:00:00Z'))
    const response = new Response('Hello, world!', { mediaType: 'text/plain' })
    response.setCookie('mycookie', 'myvalue', {
      maxAge: 10,
      expires: 10,
      path: '/',
      domain: 'localhost',
      secure: true,
      httpOnly: true,
      sameSite: 'none',
      partitioned: true,
    })
    expect(header(await call(response), 'set-cookie')).toBe(
      'mycookie=myvalue; Domain=localhost; expires=Thu, 22 Jan 2037 12:00:10 GMT; HttpOnly; Max-Age=10; Partitioned; Path=/; SameSite=none; Secure',
    )
  })

  test('test_set_cookie_path_none / test_set_cookie_samesite_none', () => {
    const a = new Response('x')
    a.setCookie('mycookie', 'myvalue', { path: null })
    expect(a.headers.get('set-cookie')).toBe('mycookie=myvalue; SameSite=lax')
    const b = new Response('x')
    b.setCookie('mycookie', 'myvalue', { sameSite: null })
    expect(b.headers.get('set-cookie')).toBe('mycookie=myvalue; Path=/')
  })

  test.each([
    ['Date', new Date('2037-01-22T12:00:10Z')],
    ['string', 'Thu, 22 Jan 2037 12:00:10 GMT'],
    ['seconds', 10],
  ])('test_expires_on_set_cookie[%s]', (_, expires) => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2037-01-22T12:00:00Z'))
    const response = new Response('x')
    response.setCookie('mycookie', 'myvalue', { expires })
    expect(response.headers.get('set-cookie')).toContain('expires=Thu, 22 Jan 2037 12:00:10 GMT')
  })

  test('test_delete_cookie', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2037-01-22T12:00:00Z'))
    const response = new Response('x')
    response.deleteCookie('mycookie')
    expect(response.headers.get('set-cookie')).toBe('mycookie=""; expires=Thu, 22 Jan 2037 12:00:00 GMT; Max-Age=0; Path=/; SameSite=lax')
  })

  test('test_populate_headers', async () => {
    const messages = await call(new Response('hi', { headers: {}, mediaType: 'text/html' }))
    expect(headerPairs(messages[0])).toEqual([
      ['content-length', '2'],
      ['content-type', 'text/html; charset=utf-8'],
    ])
  })

  test('test_empty_response / test_empty_204_response / test_non_empty_response', async () => {
    const empty = await call(new Response())
    expect(headerPairs(empty[0])).toEqual([['content-length', '0']])
    expect(bodyText(empty)).toBe('')
    expect(header(await call(new Response(null, 204)), 'content-length')).toBeUndefined()
    expect(header(await call(new Response('hi')), 'content-length')).toBe('2')
  })

  test('test_response_do_not_add_redundant_charset', () => {
    expect(new Response('x', { mediaType: 'text/plain; charset=utf-8' }).headers.get('content-type')).toBe('text/plain; charset=utf-8')
  })

  test('test_streaming_response_unknown_size / _known_size', () => {
    expect(new StreamingResponse(['hello', 'world']).headers.has('content-length')).toBe(false)
    expect(new StreamingResponse(['hello', 'world'], { headers: { 'content-length': '10' } }).headers.get('content-length')).toBe('10')
  })

  test('test_response_memoryview / test_streaming_response_memoryview (typed-array views)', async () => {
    const view = new DataView(new Uint8Array([0xc0]).buffer)
    expect((await call(new Response(view)))[1].body).toEqual(new Uint8Array([0xc0]))
    const messages = await call(new StreamingResponse([new Uint8Array([0xc0]), new DataView(new Uint8Array([0xf5]).buffer)]))
    expect(Buffer.concat(messages.slice(1).map((m) => m.body as Uint8Array))).toEqual(Buffer.from([0xc0, 0xf5]))
  })

  test('test_streaming_response_stops_if_receiving_http_disconnect', async () => {
    let finallyRan = false
    async function* endless() {
      try {
        for (;;) {
          yield 'chunk '
          await new Promise((r) => setTimeout(r, 1))
        }
      } finally {
        finallyRan = true
      }
    }
    let sent = 0
    let disconnect!: () => void
    const gone = new Promise<Message>((resolve) => (disconnect = () => resolve({ type: 'http.disconnect' })))
    const receive: Receive = async () => gone
    const send = recordingSend()
    const recording = async (message: Message) => {
      await send(message)
      if (message.type === 'http.response.body' && (sent += (message.body as Uint8Array).length) >= 16) disconnect()
    }
    await new StreamingResponse(endless())(httpScope(), receive, recording)
    // The disconnect came while the generator awaited its timer: JavaScript cannot cancel that
    // await as Starlette does, so the generator closes (its finally runs) once the timer fires.
    await new Promise((r) => setTimeout(r, 10))
    expect(finallyRan).toBe(true)
    // No closing more_body: false message after a disconnect.
    expect(send.messages.at(-1)?.more_body).toBe(true)
  })

  test('test_streaming_response_on_client_disconnects: a failing send stops the iterator', async () => {
    let finallyRan = false
    async function* chunks() {
      try {
        yield 'chunk'
        yield 'chunk'
        yield 'chunk'
      } finally {
        finallyRan = true
      }
    }
    let bodies = 0
    const send = async (message: Message) => {
      if (message.type === 'http.response.body' && ++bodies === 2) throw new Error('client went away')
    }
    const response = new StreamingResponse(chunks())
    await expect(response(httpScope(), () => new Promise(() => {}), send)).rejects.toThrow('client went away')
    expect(finallyRan).toBe(true)
  })
})

describe('Starlette behaviour beyond the upstream tests', () => {
  test('JSONResponse requires content', () => {
    // @ts-expect-error content is required
    expect(() => new JSONResponse()).toThrow(/requires content/)
  })

  test('a subclass overriding render keeps its fields and class attributes', async () => {
    class PrettyJSON extends JSONResponse {
      static override mediaType = 'application/vnd.pretty+json'
      tag = 'pretty'
      override render(content: unknown) {
        return new TextEncoder().encode(JSON.stringify(content, null, 2))
      }
    }
    const response = new PrettyJSON({ a: 1 })
    expect(response).toBeInstanceOf(PrettyJSON)
    expect(response).toBeInstanceOf(JSONResponse)
    expect(response.tag).toBe('pretty')
    const messages = await call(response)
    expect(bodyText(messages)).toBe('{\n  "a": 1\n}')
    expect(header(messages, 'content-type')).toBe('application/vnd.pretty+json')
  })

  test('the status code can be given as a number or in the options', () => {
    expect(new PlainTextResponse('x', 201).statusCode).toBe(201)
    expect(new PlainTextResponse('x', { statusCode: 202 }).statusCode).toBe(202)
    expect(new RedirectResponse('/', 303).statusCode).toBe(303)
    expect(() => new PlainTextResponse('x', 20.5)).toThrow(/statusCode must be an integer/)
  })

  test('content of the wrong type throws a TypeError naming it', () => {
    expect(() => new Response(42 as never)).toThrow(/Response content must be a string, Uint8Array or ArrayBuffer, got number/)
    expect(() => new PlainTextResponse({} as never)).toThrow(/PlainTextResponse content .* got Object/)
  })

  test('a background failure propagates after the body was sent', async () => {
    const send = recordingSend()
    const response = new Response('x', {
      background: () => {
        throw new Error('task failed')
      },
    })
    await expect(response(httpScope(), async () => ({ type: 'http.disconnect' }), send)).rejects.toThrow('task failed')
    expect(send.messages.map((m) => m.type)).toEqual(['http.response.start', 'http.response.body'])
  })

  test('background tasks run in order, after the body', async () => {
    const order: string[] = []
    const send = async (m: Message) => void order.push(m.type)
    const response = new Response('x', {
      background: [async () => void order.push('first'), () => void order.push('second')],
    })
    await response(httpScope(), async () => ({ type: 'http.disconnect' }), send)
    expect(order).toEqual(['http.response.start', 'http.response.body', 'first', 'second'])
  })

  test('StreamingResponse cancels a ReadableStream when the client disconnects', async () => {
    let cancelled: unknown = null
    const stream = new ReadableStream<string>({
      pull: (controller) => controller.enqueue('tick'),
      cancel: (reason) => void (cancelled = reason ?? 'cancelled'),
    })
    let n = 0
    let disconnect!: () => void
    const gone = new Promise<Message>((r) => (disconnect = () => r({ type: 'http.disconnect' })))
    await new StreamingResponse(stream)(httpScope(), () => gone, async (m) => {
      if (m.type === 'http.response.body' && ++n === 3) disconnect()
    })
    expect(cancelled).not.toBeNull()
  })

  test('StreamingResponse rejects a chunk of the wrong type, naming it', async () => {
    await expect(call(new StreamingResponse([1 as never]))).rejects.toThrow(/chunks must be strings.*got number/)
    expect(() => new StreamingResponse('text' as never)).toThrow(/got a string/)
  })
})
