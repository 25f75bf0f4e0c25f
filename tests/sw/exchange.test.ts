// Every exchange settles, nothing hangs, nothing is lost: redirects keep their headers, a stalled
// stream never blocks clean-up, HEAD disconnects the app, hooks that throw still answer, a Blob
// after any number of awaits becomes the body, many headers cost linear time, and request bodies
// arrive even where a Request has no body stream.
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { handle, type HandleOptions } from '../../src/sw/index.js'
import { MutableHeaders } from '../../src/datastructures.js'
import { FileResponse, PlainTextResponse, RedirectResponse, Response as ASGIResponse, StreamingResponse } from '../../src/responses/index.js'
import { putFile } from '../../src/storage/index.js'
import type { ASGIApp, Message } from '../../src/types.js'
import { settles } from '../helpers/asgi.js'

const quiet: HandleOptions = { onError: () => {} }
const bytes = (text: string) => new TextEncoder().encode(text)
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** An app wrapped so that the test sees when it returns. */
function watched(app: ASGIApp) {
  let returned!: () => void
  const done = new Promise<void>((resolve) => (returned = resolve))
  const wrapped: ASGIApp = async (scope, receive, send) => {
    try {
      await app(scope, receive, send)
    } finally {
      returned()
    }
  }
  return { app: wrapped, done }
}

describe('redirects keep their headers', () => {
  test('without a jar, set-cookie and every other header stay on a redirect, Location made absolute', async () => {
    const redirect = new RedirectResponse('/home?x=1', { statusCode: 303, headers: { 'x-trace': 'abc', 'cache-control': 'no-store' } })
    redirect.setCookie('session', 's1')
    const response = await handle(redirect, quiet)(new Request('http://x:81/login', { method: 'POST' }))
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('http://x:81/home?x=1')
    expect(response.headers.getSetCookie()).toEqual(['session=s1; Path=/; SameSite=lax'])
    expect(response.headers.get('x-trace')).toBe('abc')
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  test('with a jar, the cookies go to it and the other headers stay', async () => {
    const jar: string[] = []
    const redirect = new RedirectResponse('/home', { statusCode: 302, headers: { 'x-trace': 'abc' } })
    redirect.setCookie('session', 's1')
    const response = await handle(redirect, { ...quiet, onSetCookie: (cookies) => void jar.push(...cookies) })(new Request('http://x/login'))
    expect(jar).toEqual(['session=s1; Path=/; SameSite=lax'])
    expect(response.headers.getSetCookie()).toEqual([])
    expect(response.headers.get('x-trace')).toBe('abc')
    expect(response.headers.get('location')).toBe('http://x/home')
  })

  test('a Location that is no URL is a 500 naming it', async () => {
    const errors: unknown[] = []
    const response = await handle(new RedirectResponse('http://[oops/'), { onError: (e) => void errors.push(e) })(new Request('http://x/'))
    expect(response.status).toBe(500)
    expect(String(errors[0])).toMatch(/Location/)
  })
})

describe('a stalled stream never blocks clean-up', () => {
  test('a generator stuck in an await after the client left: background tasks run and the app returns', async () => {
    let finallyRan = false
    async function* sse() {
      try {
        yield 'data: hello\n\n'
        await new Promise(() => {}) // waits for an event that never comes
        yield 'data: never\n\n'
      } finally {
        finallyRan = true
      }
    }
    let backgroundRan = false
    const streaming = new StreamingResponse(sse(), { mediaType: 'text/event-stream', background: () => void (backgroundRan = true) })
    const { app, done } = watched(streaming)
    const response = await handle(app, quiet)(new Request('http://x/events'))
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: hello\n\n')
    await reader.cancel()
    expect(await settles(done)).toBe(true)
    expect(backgroundRan).toBe(true)
    // The generator cannot be interrupted mid-await; it closes once that await settles.
    expect(finallyRan).toBe(false)
  })

  test('a generator that stalls then resumes is closed, its finally run, once it yields', async () => {
    let resume!: () => void
    const stalled = new Promise<void>((resolve) => (resume = resolve))
    let finallyRan = false
    let resumed = false
    async function* stream() {
      try {
        yield 'a'
        await stalled
        resumed = true
        yield 'b'
        yield 'c'
      } finally {
        finallyRan = true
      }
    }
    const { app, done } = watched(new StreamingResponse(stream()))
    const response = await handle(app, quiet)(new Request('http://x/'))
    const reader = response.body!.getReader()
    await reader.read()
    await reader.cancel()
    expect(await settles(done)).toBe(true)
    resume()
    await sleep(10)
    expect(resumed).toBe(true)
    expect(finallyRan).toBe(true)
  })
})

describe('HEAD and null-body responses disconnect the app', () => {
  /** An endless generator that counts its chunks. */
  function counting() {
    const state = { produced: 0, closed: false }
    async function* ticks() {
      try {
        for (;;) {
          state.produced++
          yield 'tick'
          await sleep(1)
        }
      } finally {
        state.closed = true
      }
    }
    return { state, ticks: ticks() }
  }

  test('HEAD on an endless stream: the generator is closed at once', async () => {
    const { state, ticks } = counting()
    const { app, done } = watched(new StreamingResponse(ticks))
    const response = await handle(app, quiet)(new Request('http://x/', { method: 'HEAD' }))
    expect(response.body).toBeNull()
    expect(await settles(done)).toBe(true)
    expect(state.closed).toBe(true)
    expect(state.produced).toBeLessThanOrEqual(2)
  })

  test.each([204, 304])('status %i on an endless stream: the generator is closed at once', async (status) => {
    const { state, ticks } = counting()
    const { app, done } = watched(new StreamingResponse(ticks, { statusCode: status }))
    const response = await handle(app, quiet)(new Request('http://x/'))
    expect(response.body).toBeNull()
    expect(await settles(done)).toBe(true)
    expect(state.closed).toBe(true)
  })

  test('HEAD on a huge sync iterable stops after a few items', async () => {
    let pulled = 0
    function* many() {
      for (let i = 0; i < 2_000_000; i++) {
        pulled++
        yield 'x'
      }
    }
    const { app, done } = watched(new StreamingResponse(many()))
    await handle(app, quiet)(new Request('http://x/', { method: 'HEAD' }))
    expect(await settles(done)).toBe(true)
    expect(pulled).toBeLessThan(100)
  })

  test('the app receives http.disconnect as soon as a HEAD response starts', async () => {
    let message: Message | undefined
    const app: ASGIApp = async (_scope, receive, send) => {
      await receive() // the empty request body
      await send({ type: 'http.response.start', status: 200, headers: [] })
      message = await receive()
      await send({ type: 'http.response.body', body: new Uint8Array(0) })
    }
    await handle(app, quiet)(new Request('http://x/', { method: 'HEAD' }))
    await sleep(0)
    expect(message).toEqual({ type: 'http.disconnect' })
  })

  /** An app that ignores http.disconnect and keeps sending body chunks until told to stop. */
  function endlessSender() {
    const state = { sent: 0, stop: false }
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      // Bounded, so that a loop that never yields fails the test instead of hanging the run.
      while (!state.stop && state.sent < 100_000) {
        await send({ type: 'http.response.body', body: bytes('x'), more_body: true })
        state.sent++
      }
      await send({ type: 'http.response.body', body: new Uint8Array(0) })
    }
    return { app, state }
  }

  test('an app that ignores the disconnect and keeps sending dropped chunks does not block the event loop', async () => {
    const { app, state } = endlessSender()
    const { app: wrapped, done } = watched(app)
    await handle(wrapped, quiet)(new Request('http://x/', { method: 'HEAD' }))
    // Only reached if sending dropped chunks leaves room for timers.
    await sleep(20)
    state.stop = true
    expect(await settles(done)).toBe(true)
    expect(state.sent).toBeGreaterThan(0)
    expect(state.sent).toBeLessThan(10_000)
  })

  test('chunks sent after the page cancelled the body wait for the event loop too', async () => {
    const { app, state } = endlessSender()
    const response = await handle(app, quiet)(new Request('http://x/'))
    await response.body!.cancel()
    const before = state.sent
    await sleep(20)
    state.stop = true
    expect(state.sent - before).toBeLessThan(10_000)
  })
})

describe('hooks and errors never leave a fetch hanging', () => {
  test('an onError hook that throws: still a 500, and the hook error is logged', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const app: ASGIApp = async () => {
        throw new Error('app failure')
      }
      const pending = handle(app, {
        onError: () => {
          throw new Error('hook failure')
        },
      })(new Request('http://x/'))
      expect(await settles(pending)).toBe(true)
      expect((await pending).status).toBe(500)
      expect(logged.mock.calls.flat().map(String).join(' ')).toMatch(/hook failure/)
    } finally {
      logged.mockRestore()
    }
  })

  test('an onError hook that throws after the start still errors the body stream', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      async function* failing() {
        yield 'partial'
        throw new Error('late failure')
      }
      const response = await handle(new StreamingResponse(failing()), {
        onError: () => {
          throw new Error('hook failure')
        },
      })(new Request('http://x/'))
      await expect(response.text()).rejects.toThrow('late failure')
    } finally {
      logged.mockRestore()
    }
  })

  test('debug mode, an app throwing a null-prototype object: a 500 describing it', async () => {
    const thrown = Object.assign(Object.create(null), { code: 7 })
    const app: ASGIApp = async () => {
      throw thrown
    }
    const pending = handle(app, { ...quiet, debug: true })(new Request('http://x/'))
    expect(await settles(pending)).toBe(true)
    const response = await pending
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ error: 'object', message: expect.any(String) })
  })

  test('debug mode, an error whose getters throw: still a 500', async () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('no peeking')
      },
    })
    const app: ASGIApp = async () => {
      throw hostile
    }
    const pending = handle(app, { ...quiet, debug: true })(new Request('http://x/', { headers: { accept: 'text/html' } }))
    expect(await settles(pending)).toBe(true)
    expect((await pending).status).toBe(500)
  })

  test('an error that even instanceof cannot inspect, with a throwing onError: still a 500', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const hostile = new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error('no peeking')
          },
        },
      )
      const app: ASGIApp = async () => {
        throw hostile
      }
      const onError = (error: unknown) => {
        throw error
      }
      const pending = handle(app, { onError })(new Request('http://x/'))
      expect(await settles(pending)).toBe(true)
      expect(await (await pending).text()).toBe('Internal Server Error')
    } finally {
      logged.mockRestore()
    }
  })

  test('a message with a null prototype is named in the error, not a second failure', async () => {
    const errors: unknown[] = []
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send(Object.create(null))
    }
    const response = await handle(app, { onError: (e) => void errors.push(e) })(new Request('http://x/'))
    expect(response.status).toBe(500)
    expect(String(errors[0])).toMatch(/Expected ASGI message 'http.response.start', but got a message without a type/)
  })
})

describe('http.response.blob behind middleware', () => {
  /** Middleware that awaits `hops` times before passing each message on, as logging middleware does. */
  const delayed =
    (app: ASGIApp, hops: number): ASGIApp =>
    (scope, receive, send) =>
      app(scope, receive, async (message) => {
        for (let i = 0; i < hops; i++) await null
        await send(message)
      })

  /** Records what each `new Response(body)` was given (the Blob itself, or a stream). */
  function spyResponses() {
    const bodies: string[] = []
    const Original = globalThis.Response
    globalThis.Response = class extends Original {
      constructor(body?: BodyInit | null, init?: ResponseInit) {
        bodies.push(body == null ? 'null' : body.constructor.name)
        super(body, init)
      }
    } as typeof Response
    return { bodies, restore: () => (globalThis.Response = Original) }
  }
  let restore: (() => void) | undefined
  afterEach(() => restore?.())

  test.each([1, 2, 5, 50])('a FileResponse behind %i awaits per message still sends its Blob as the body', async (hops) => {
    await putFile('idb://exchange-test/a.txt', 'file body')
    const file = new FileResponse('idb://exchange-test/a.txt')
    file.setCookie('seen', '1')
    const spy = spyResponses()
    restore = spy.restore
    const response = await handle(delayed(delayed(file, hops), 1), quiet)(new Request('http://x/'))
    spy.restore()
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('file body')
    expect(spy.bodies).toEqual(['Blob'])
  })

  test('a Blob that comes after a timer (the stream already open) still becomes the body', async () => {
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await sleep(20)
      await send({ type: 'http.response.blob', blob: new Blob(['late ', 'blob']) })
    }
    const response = await handle(app, quiet)(new Request('http://x/'))
    expect(await response.text()).toBe('late blob')
  })

  test('a big Blob after the stream opened is streamed with backpressure and arrives whole', async () => {
    const size = 1024 * 1024 + 7
    const data = new Uint8Array(size).map((_, i) => i % 251)
    let sentBlob = false
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await sleep(5)
      await send({ type: 'http.response.blob', blob: new Blob([data]) })
      sentBlob = true
    }
    const response = await handle(app, quiet)(new Request('http://x/'))
    await sleep(20)
    expect(sentBlob).toBe(false) // held while nobody reads
    const received = new Uint8Array(await response.arrayBuffer())
    expect(received.byteLength).toBe(size)
    expect(received.every((byte, i) => byte === data[i])).toBe(true)
    await sleep(0)
    expect(sentBlob).toBe(true)
  })

  test('cancelling a Blob streamed into an open body releases the app', async () => {
    const { app, done } = watched(async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await sleep(5)
      await send({ type: 'http.response.blob', blob: new Blob([new Uint8Array(1024 * 1024)]) })
    })
    const response = await handle(app, quiet)(new Request('http://x/'))
    const reader = response.body!.getReader()
    expect((await reader.read()).value!.byteLength).toBeGreaterThan(0)
    await reader.cancel()
    expect(await settles(done)).toBe(true)
  })

  test('headers of a slow stream are not held back for long', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await held
      await send({ type: 'http.response.body', body: bytes('late') })
    }
    const pending = handle(app, quiet)(new Request('http://x/'))
    expect(await settles(pending, 200)).toBe(true)
    release()
    expect(await (await pending).text()).toBe('late')
  })
})

// Each time is compared with a linear task over the same headers (building them), measured
// alongside: a loaded machine slows both alike, while quadratic work falls far behind.
const timed = <T>(work: () => T): [T, number] => {
  const started = performance.now()
  const result = work()
  return [result, performance.now() - started]
}

describe('repeated headers cost linear time', () => {
  test('20,000 duplicates of one response header are joined in linear time', async () => {
    const headers: [string, string][] = Array.from({ length: 20_000 }, (_, i) => ['x-many', String(i)])
    const [app, building] = timed(() => new ASGIResponse('x', { headers }))
    const started = performance.now()
    const response = await handle(app, quiet)(new Request('http://x/'))
    const elapsed = performance.now() - started
    expect(response.headers.get('x-many')!.split(', ')).toHaveLength(20_000)
    expect(response.headers.get('x-many')!.endsWith('19998, 19999')).toBe(true)
    expect(elapsed).toBeLessThan(5 * building + 50)
  })

  test('20,000 distinct response headers stay in order', async () => {
    const headers: [string, string][] = Array.from({ length: 20_000 }, (_, i) => [`x-h${i}`, String(i)])
    const [app, building] = timed(() => new ASGIResponse('x', { headers }))
    const started = performance.now()
    const response = await handle(app, quiet)(new Request('http://x/'))
    expect(performance.now() - started).toBeLessThan(5 * building + 50)
    expect(response.headers.get('x-h19999')).toBe('19999')
  })

  test('MutableHeaders set and delete over 50,000 interleaved duplicates take linear time', () => {
    const interleaved = () => new MutableHeaders(Array.from({ length: 100_000 }, (_, i): [string, string] => [i % 2 ? 'x-dup' : 'x-keep', String(i)]))
    const [forSet, building] = timed(interleaved)
    const forDelete = interleaved()
    const [, editing] = timed(() => {
      forSet.set('x-dup', 'one')
      forDelete.delete('x-dup')
    })
    expect(editing).toBeLessThan(2 * building + 50)
    expect(forSet.getAll('x-dup')).toEqual(['one'])
    expect(forSet.entries().slice(0, 3)).toEqual([
      ['x-keep', '0'],
      ['x-dup', 'one'],
      ['x-keep', '2'],
    ])
    expect(forSet.size).toBe(50_001)
    expect(forDelete.size).toBe(50_000)
    expect(forDelete.values().every((value, i) => value === String(2 * i))).toBe(true)
  })
})

describe('request bodies without a body stream (Firefox service workers)', () => {
  /** A Request whose `body` is undefined, as in Firefox's FetchEvent, though its bytes are readable. */
  function withoutBodyStream(request: Request): Request {
    Object.defineProperty(request, 'body', { get: () => undefined })
    return request
  }

  /** An app that answers with the sizes of the http.request chunks it received. */
  const chunkSizes: ASGIApp = async (scope, receive, send) => {
    const sizes: number[] = []
    const received: number[] = []
    for (;;) {
      const message = await receive()
      const body = message.body as Uint8Array
      sizes.push(body.byteLength)
      for (const byte of body) received.push(byte)
      if (!message.more_body) break
    }
    await new PlainTextResponse(JSON.stringify({ sizes, sum: received.reduce((a, b) => (a * 31 + b) % 1_000_003, 0) }))(scope, receive, send)
  }

  test('the app receives every byte, in 64 KiB http.request messages', async () => {
    const data = new Uint8Array(200 * 1024 + 3).map((_, i) => (i * 7) % 256)
    const request = withoutBodyStream(new Request('http://x/upload', { method: 'POST', body: data }))
    expect(request.body).toBeUndefined()
    const answer = await (await handle(chunkSizes, quiet)(request)).json()
    const expected = [...data].reduce((a, b) => (a * 31 + b) % 1_000_003, 0)
    expect(answer.sizes).toEqual([65536, 65536, 65536, data.length - 3 * 65536, 0])
    expect(answer.sum).toBe(expected)
  })

  test('a form post arrives whole', async () => {
    const request = withoutBodyStream(new Request('http://x/form', { method: 'POST', body: new URLSearchParams({ name: 'Ada', lang: 'en' }) }))
    const app: ASGIApp = async (scope, receive, send) => {
      const message = await receive()
      await new PlainTextResponse(new TextDecoder().decode(message.body as Uint8Array))(scope, receive, send)
    }
    expect(await (await handle(app, quiet)(request)).text()).toBe('name=Ada&lang=en')
  })

  test('an empty POST is one empty message', async () => {
    const request = withoutBodyStream(new Request('http://x/', { method: 'POST' }))
    expect(await (await handle(chunkSizes, quiet)(request)).json()).toEqual({ sizes: [0], sum: 0 })
  })

  test('a body that cannot be read fails receive() loudly: a 500, never an empty body', async () => {
    const request = withoutBodyStream(new Request('http://x/', { method: 'POST', body: 'lost?' }))
    const failure = new Error('body unreadable')
    request.blob = () => Promise.reject(failure)
    request.arrayBuffer = () => Promise.reject(failure)
    const errors: unknown[] = []
    const response = await handle(chunkSizes, { onError: (e) => void errors.push(e) })(request)
    expect(response.status).toBe(500)
    expect(errors).toEqual([failure])
  })

  test('a client that leaves while the body is read: http.disconnect', async () => {
    const controller = new AbortController()
    const request = withoutBodyStream(new Request('http://x/', { method: 'POST', body: 'abc', signal: controller.signal }))
    let unblock!: (blob: Blob) => void
    request.blob = () => new Promise((resolve) => (unblock = resolve))
    let message: Message | undefined
    const app: ASGIApp = async (scope, receive, send) => {
      message = await receive()
      await new PlainTextResponse('ok')(scope, receive, send)
    }
    const pending = handle(app, quiet)(request)
    await sleep(0)
    controller.abort()
    expect(await (await pending).text()).toBe('ok')
    expect(message).toEqual({ type: 'http.disconnect' })
    unblock(new Blob(['abc']))
  })

  test('GET and HEAD never read a body', async () => {
    for (const method of ['GET', 'HEAD']) {
      const request = withoutBodyStream(new Request('http://x/', { method }))
      request.blob = () => Promise.reject(new Error('read a bodiless request'))
      const response = await handle(chunkSizes, quiet)(request)
      expect(response.status).toBe(200)
    }
  })
})
