import 'fake-indexeddb/auto'
import { describe, expect, test, vi } from 'vitest'
import { handle, type HandleOptions } from '../../src/sw/index.js'
import { JSONResponse, PlainTextResponse, RedirectResponse, Response as ASGIResponse, StreamingResponse } from '../../src/responses/index.js'
import type { ASGIApp, HTTPScope, Message } from '../../src/types.js'
import { settles } from '../helpers/asgi.js'

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)
const quiet: HandleOptions = { onError: () => {} }

/** An app that answers with its scope (bytes as latin-1 text) and the request body it received. */
const echo: ASGIApp = async (scope, receive, send) => {
  const s = scope as HTTPScope
  const chunks: number[][] = []
  const messages: Message[] = []
  for (;;) {
    const message = await receive()
    messages.push({ ...message, body: undefined })
    if (message.type !== 'http.request') break
    chunks.push([...(message.body as Uint8Array)])
    if (!message.more_body) break
  }
  await new JSONResponse({
    ...s,
    raw_path: latin1(s.raw_path),
    query_string: latin1(s.query_string),
    headers: s.headers.map(([k, v]) => [latin1(k), latin1(v)]),
    body: chunks.flat(),
    chunks: chunks.length,
    messages,
  })(scope, receive, send)
}

async function echoed(request: Request, opts: HandleOptions = {}) {
  return (await handle(echo, { ...quiet, ...opts })(request)).json()
}

describe('scope', () => {
  test('every field of a simple GET', async () => {
    const scope = await echoed(new Request('http://example.com:8080/a/b?x=1&y=2', { headers: { 'X-Thing': 'v' } }))
    expect(scope).toMatchObject({
      type: 'http',
      asgi: { version: '3.0', spec_version: '2.4' },
      http_version: '1.1',
      method: 'GET',
      scheme: 'http',
      path: '/a/b',
      raw_path: '/a/b',
      query_string: 'x=1&y=2',
      root_path: '',
      client: null,
      server: ['example.com', 8080],
      state: {},
      extensions: { 'http.response.blob': {} },
    })
    expect(scope.headers).toEqual([
      ['host', 'example.com:8080'],
      ['x-thing', 'v'],
    ])
  })

  test('default ports, https scheme and IPv6 hosts', async () => {
    expect((await echoed(new Request('https://example.com/'))).server).toEqual(['example.com', 443])
    expect((await echoed(new Request('https://example.com/'))).scheme).toBe('https')
    expect((await echoed(new Request('http://example.com/'))).server).toEqual(['example.com', 80])
    expect((await echoed(new Request('http://[::1]:3000/'))).server).toEqual(['::1', 3000])
  })

  test('unicode and percent-encoded paths: path decoded as UTF-8, raw_path kept', async () => {
    const scope = await echoed(new Request('http://x/caf%C3%A9/I ♥/a%2Fb'))
    expect(scope.path).toBe('/café/I ♥/a/b')
    expect(scope.raw_path).toBe('/caf%C3%A9/I%20%E2%99%A5/a%2Fb')
  })

  test("escapes that are not UTF-8 decode to U+FFFD, as Python's unquote does; a non-hex escape stays", async () => {
    const scope = await echoed(new Request('http://x/bad%E2%99/%FF/%zz/ok%20'))
    expect(scope.path).toBe('/bad\uFFFD/\uFFFD/%zz/ok ')
  })

  test('query strings stay raw bytes without the "?"', async () => {
    expect((await echoed(new Request('http://x/?a=%20b&c=d+e&é'))).query_string).toBe('a=%20b&c=d+e&%C3%A9')
    expect((await echoed(new Request('http://x/?'))).query_string).toBe('')
  })

  test('method upper-cased, root_path reported while path stays full', async () => {
    const scope = await echoed(new Request('http://x/app/items', { method: 'patch', body: 'x' }), { rootPath: '/app' })
    expect(scope.method).toBe('PATCH')
    expect(scope.root_path).toBe('/app')
    expect(scope.path).toBe('/app/items')
  })

  test('repeated request headers arrive joined, lower-cased', async () => {
    const headers = new Headers()
    headers.append('Accept', 'text/html')
    headers.append('accept', 'application/json')
    expect((await echoed(new Request('http://x/', { headers }))).headers).toContainEqual(['accept', 'text/html, application/json'])
  })

  test('client and a fresh copy of state per request', async () => {
    const state = { counter: 0 }
    const app: ASGIApp = async (scope, receive, send) => {
      const s = scope.state as { counter: number }
      s.counter++
      await new JSONResponse({ client: (scope as HTTPScope).client, counter: s.counter })(scope, receive, send)
    }
    const fetch = handle(app, { client: ['127.0.0.1', 5000], state })
    expect(await (await fetch(new Request('http://x/'))).json()).toEqual({ client: ['127.0.0.1', 5000], counter: 1 })
    expect(await (await fetch(new Request('http://x/'))).json()).toEqual({ client: ['127.0.0.1', 5000], counter: 1 })
    expect(state.counter).toBe(0)
  })

  test('the cookie hook supplies the cookie header', async () => {
    const scope = await echoed(new Request('http://x/'), { cookie: async () => 'a=1; b=2' })
    expect(scope.headers).toContainEqual(['cookie', 'a=1; b=2'])
  })

  test('a cookie hook that fails (IndexedDB lost) is a 500 reported to onError, and the app is not called', async () => {
    const onError = vi.fn()
    const app = vi.fn(echo)
    const lost = new DOMException('Connection to Indexed Database server lost', 'UnknownError')
    const response = await handle(app, { onError, cookie: async () => Promise.reject(lost) })(new Request('http://x/'))
    expect([response.status, await response.text()]).toEqual([500, 'Internal Server Error'])
    expect(onError).toHaveBeenCalledWith(lost, expect.any(Request))
    expect(app).not.toHaveBeenCalled()
    const debug = await handle(app, { onError, debug: true, cookie: async () => Promise.reject(lost) })(new Request('http://x/'))
    expect(debug.status).toBe(500)
    expect(await debug.text()).toContain('Connection to Indexed Database server lost')
  })
})

describe('receive', () => {
  test('a bodiless request yields one empty http.request, then http.disconnect after the response', async () => {
    let later: Promise<Message> | undefined
    const app: ASGIApp = async (scope, receive, send) => {
      const first = await receive()
      await new PlainTextResponse(JSON.stringify(first))(scope, receive, send)
      later = receive()
    }
    const response = await handle(app, quiet)(new Request('http://x/'))
    expect(JSON.parse(await response.text())).toEqual({ type: 'http.request', body: {}, more_body: false })
    await expect(later).resolves.toEqual({ type: 'http.disconnect' })
  })

  test('a streamed request body arrives chunk by chunk, as it is written', async () => {
    const encoder = new TextEncoder()
    let write!: (text: string | null) => void
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        write = (text) => (text === null ? controller.close() : controller.enqueue(encoder.encode(text)))
      },
    })
    const seen: string[] = []
    const app: ASGIApp = async (scope, receive, send) => {
      for (;;) {
        const message = await receive()
        seen.push(`${new TextDecoder().decode(message.body as Uint8Array)}|${message.more_body}`)
        if (seen.length === 1) write('second')
        if (seen.length === 2) write(null)
        if (!message.more_body) break
      }
      await new PlainTextResponse('ok')(scope, receive, send)
    }
    const pending = handle(app, quiet)(new Request('http://x/', { method: 'POST', body, duplex: 'half' } as RequestInit))
    write('first')
    expect(await (await pending).text()).toBe('ok')
    expect(seen).toEqual(['first|true', 'second|true', '|false'])
  })

  test('a plain body round-trips byte for byte', async () => {
    const bytes = new Uint8Array(256).map((_, i) => i)
    const scope = await echoed(new Request('http://x/', { method: 'PUT', body: bytes }))
    expect(scope.body).toEqual([...bytes])
  })
})

describe('send and the Fetch response', () => {
  test('the Response resolves on http.response.start, before a slow generator finishes', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    async function* slow() {
      yield 'first '
      await held
      yield 'second'
    }
    const response = await handle(new StreamingResponse(slow(), { mediaType: 'text/plain' }), quiet)(new Request('http://x/'))
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first ')
    release()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('second')
    expect((await reader.read()).done).toBe(true)
  })

  /** An endless generator, and a promise that settles when its `finally` has run. */
  function endless() {
    let finallyRan!: () => void
    const ran = new Promise<void>((r) => (finallyRan = r))
    async function* ticks() {
      try {
        for (;;) {
          yield 'tick'
          await new Promise((r) => setTimeout(r, 1))
        }
      } finally {
        finallyRan()
      }
    }
    return { ticks: ticks(), ran }
  }

  test('cancelling the body stops the generator and runs its finally', async () => {
    const { ticks, ran } = endless()
    const response = await handle(new StreamingResponse(ticks), quiet)(new Request('http://x/'))
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('tick')
    await reader.cancel()
    expect(await settles(ran)).toBe(true)
  })

  test('aborting the request signal disconnects the app', async () => {
    const controller = new AbortController()
    const { ticks, ran } = endless()
    const response = await handle(new StreamingResponse(ticks), quiet)(new Request('http://x/', { signal: controller.signal }))
    expect(new TextDecoder().decode((await response.body!.getReader().read()).value)).toBe('tick')
    controller.abort()
    expect(await settles(ran)).toBe(true)
  })

  test('backpressure: a fast producer waits for the reader instead of filling memory', async () => {
    let produced = 0
    const chunk = new Uint8Array(16 * 1024)
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      for (let i = 0; i < 1000; i++) {
        await send({ type: 'http.response.body', body: chunk, more_body: true })
        produced++
      }
      await send({ type: 'http.response.body', body: new Uint8Array(0), more_body: false })
    }
    const response = await handle(app, quiet)(new Request('http://x/'))
    await new Promise((r) => setTimeout(r, 50))
    // At most the 64 KiB high-water mark (4 chunks) plus the one in flight: never the whole 16 MiB.
    expect(produced).toBeLessThanOrEqual(5)
    let total = 0
    for await (const part of response.body!) total += part.byteLength
    expect(total).toBe(1000 * chunk.byteLength)
    expect(produced).toBe(1000)
  })

  test('duplicate header names are joined with ", "; set-cookie values stay apart', async () => {
    const app = new ASGIResponse('x', { headers: [['x-a', '1'], ['X-A', '2'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']] })
    const response = await handle(app, quiet)(new Request('http://x/'))
    expect(response.headers.get('x-a')).toBe('1, 2')
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
  })

  test('onSetCookie receives the cookies, which then leave the headers', async () => {
    const jar: string[] = []
    const response = new ASGIResponse('x')
    response.setCookie('theme', 'dark')
    const answer = await handle(response, { ...quiet, onSetCookie: (cookies) => void jar.push(...cookies) })(new Request('http://x/'))
    expect(jar).toEqual(['theme=dark; Path=/; SameSite=lax'])
    expect(answer.headers.getSetCookie()).toEqual([])
  })

  test('header bytes are decoded as latin-1', async () => {
    const app = new ASGIResponse('x', { headers: { 'x-name': 'Ünïcödé' } })
    expect((await handle(app, quiet)(new Request('http://x/'))).headers.get('x-name')).toBe('Ünïcödé')
  })

  test.each([204, 205, 304])('status %i has a null body', async (status) => {
    const response = await handle(new ASGIResponse('ignored', status), quiet)(new Request('http://x/'))
    expect(response.status).toBe(status)
    expect(response.body).toBeNull()
  })

  test('HEAD gets the headers and a null body', async () => {
    const response = await handle(new PlainTextResponse('hello'), quiet)(new Request('http://x/', { method: 'HEAD' }))
    expect(response.headers.get('content-length')).toBe('5')
    expect(response.body).toBeNull()
  })

  test('redirects keep their status, with an absolute Location', async () => {
    const response = await handle(new RedirectResponse('/next?a=1', 303), quiet)(new Request('http://x:81/from'))
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('http://x:81/next?a=1')
  })

  test('a status outside 200-599 becomes a 500 that names it', async () => {
    const onError = vi.fn()
    const response = await handle(new PlainTextResponse('x', 600), { onError })(new Request('http://x/'))
    expect(response.status).toBe(500)
    expect(String(onError.mock.calls[0][0])).toMatch(/status 600.*200 to 599/)
  })

  test('messages out of order throw an error naming them', async () => {
    const errors: unknown[] = []
    const app: ASGIApp = async (_s, _r, send) => {
      await expect(send({ type: 'http.response.body', body: new Uint8Array(0) })).rejects.toThrow(
        "Expected ASGI message 'http.response.start', but got 'http.response.body'",
      )
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await expect(send({ type: 'http.response.start', status: 200, headers: [] })).rejects.toThrow(/Unexpected ASGI message 'http.response.start'/)
      await send({ type: 'http.response.body', body: new TextEncoder().encode('done') })
      await expect(send({ type: 'http.response.body', body: new Uint8Array(0) })).rejects.toThrow(/after the response completed/)
    }
    const response = await handle(app, { onError: (e) => errors.push(e) })(new Request('http://x/'))
    expect(await response.text()).toBe('done')
    expect(errors).toEqual([])
  })
})

describe('errors never hang a fetch', () => {
  const boom: ASGIApp = async () => {
    throw new TypeError('boom <b>')
  }

  test('an error before the start is a plain 500, reported to onError', async () => {
    const onError = vi.fn()
    const request = new Request('http://x/')
    const response = await handle(boom, { onError })(request)
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await response.text()).toBe('Internal Server Error')
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom <b>' }), request)
  })

  test('debug mode: JSON with the error and its stack, or an escaped HTML page for pages', async () => {
    const json = await handle(boom, { ...quiet, debug: true })(new Request('http://x/api'))
    expect(await json.json()).toMatchObject({ error: 'TypeError', message: 'boom <b>', stack: expect.stringContaining('boom') })
    const page = await handle(boom, { ...quiet, debug: true })(new Request('http://x/', { headers: { accept: 'text/html' } }))
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await page.text()
    expect(html).toContain('TypeError: boom &lt;b&gt;')
    expect(html).not.toContain('<b>')
  })

  test('an app that returns without a response gets a 500 saying so', async () => {
    const response = await handle(async () => {}, quiet)(new Request('http://x/'))
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('Internal Server Error: the ASGI app returned without starting a response')
  })

  test('an error after the start errors the body stream: never a silent truncation', async () => {
    async function* failing() {
      yield 'partial'
      throw new Error('late failure')
    }
    const onError = vi.fn()
    const response = await handle(new StreamingResponse(failing()), { onError })(new Request('http://x/'))
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow('late failure')
    expect(onError).toHaveBeenCalledOnce()
  })

  test('an app that stops before more_body false errors the stream', async () => {
    const app: ASGIApp = async (_s, _r, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await send({ type: 'http.response.body', body: new TextEncoder().encode('half'), more_body: true })
    }
    const response = await handle(app, quiet)(new Request('http://x/'))
    await expect(response.text()).rejects.toThrow(/before finishing the response body/)
  })
})

describe('background tasks and the event lifetime', () => {
  test('background tasks run after the body, inside event.waitUntil', async () => {
    const order: string[] = []
    const waited: Promise<unknown>[] = []
    const response = new PlainTextResponse('x', {
      background: async () => {
        await new Promise((r) => setTimeout(r, 20))
        order.push('background')
      },
    })
    const answer = await handle(response, quiet)(new Request('http://x/'), { waitUntil: (p) => void waited.push(p) })
    order.push('responded')
    expect(await answer.text()).toBe('x')
    expect(waited).toHaveLength(1)
    await waited[0]
    expect(order).toEqual(['responded', 'background'])
  })

  test('a streaming response releases the lifetime once the stream is under way', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    async function* stream() {
      yield 'a'
      await held
      yield 'b'
    }
    let lifetime: Promise<unknown> | undefined
    const response = await handle(new StreamingResponse(stream()), quiet)(new Request('http://x/'), { waitUntil: (p) => void (lifetime = p) })
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('a')
    // Resolves while the stream is still open: the worker is never held for the stream itself.
    expect(lifetime).toBeDefined()
    expect(await settles(lifetime!)).toBe(true)
    release()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('b')
    expect((await reader.read()).done).toBe(true)
  })
})

describe('the http.response.blob extension', () => {
  const blobApp =
    (blob: unknown, before: Message[] = []): ASGIApp =>
    async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [[new TextEncoder().encode('x-kind'), new TextEncoder().encode('blob')]] })
      for (const message of before) await send(message)
      await send({ type: 'http.response.blob', blob })
    }

  test('is offered in the scope', async () => {
    expect((await echoed(new Request('http://x/'))).extensions).toEqual({ 'http.response.blob': {}, 'http.response.error': {} })
  })

  test('a Blob becomes the body as it is', async () => {
    const response = await handle(blobApp(new Blob(['from ', 'a blob'])), quiet)(new Request('http://x/'))
    expect(response.headers.get('x-kind')).toBe('blob')
    expect(await response.text()).toBe('from a blob')
  })

  test('HEAD still gets a null body', async () => {
    const response = await handle(blobApp(new Blob(['x'])), quiet)(new Request('http://x/', { method: 'HEAD' }))
    expect(response.body).toBeNull()
  })

  test('anything but a Blob, or a Blob after body messages, is an error naming it', async () => {
    const errors: unknown[] = []
    const onError = (error: unknown) => void errors.push(error)
    await handle(blobApp('text'), { onError })(new Request('http://x/'))
    expect(String(errors[0])).toMatch(/"blob" must be a Blob, got string/)
    const late = await handle(blobApp(new Blob(['x']), [{ type: 'http.response.body', body: new Uint8Array([1]), more_body: true }]), { onError })(new Request('http://x/'))
    await expect(late.arrayBuffer()).rejects.toThrow(/after body messages/)
  })

  test('FileResponse uses it through handle()', async () => {
    const { putFile } = await import('../../src/storage/index.js')
    const { FileResponse } = await import('../../src/responses/index.js')
    await putFile('idb://handle-test/a.txt', 'file body')
    const types: string[] = []
    const file = new FileResponse('idb://handle-test/a.txt')
    const spying: ASGIApp = (scope, receive, send) => file(scope, receive, (m) => (types.push(m.type), send(m)))
    const response = await handle(spying, quiet)(new Request('http://x/'))
    expect(await response.text()).toBe('file body')
    expect(types).toEqual(['http.response.start', 'http.response.blob'])
  })
})
