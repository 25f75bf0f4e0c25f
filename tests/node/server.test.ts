// The app served over node:http, driven by real curl and by node's own http client.
import { execFile } from 'node:child_process'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { createServer } from '../../src/node/index.js'
import { App, EventSourceResponse, JSONResponse, PlainTextResponse, Route, StreamingResponse, Request } from '../../src/index.js'
import type { ASGIApp, HTTPScope } from '../../src/types.js'

const run = promisify(execFile)
// An ephemeral port, known once the server listens: never one another run may hold.
let PORT = 0

/** What the app observed, for the tests to read back. */
const seen: { disconnect?: string; producedWhilePaused?: number; produced: number } = { produced: 0 }
let released: (() => void) | null = null

const raw: ASGIApp = async (scope, receive, send) => {
  // Reads the body message by message, reporting each size.
  const sizes: number[] = []
  for (;;) {
    const message = await receive()
    if (message.type !== 'http.request') break
    sizes.push((message.body as Uint8Array).byteLength)
    if (!message.more_body) break
  }
  await new JSONResponse({ sizes })(scope, receive, send)
}

const app = new App({
  routes: [
    new Route('/echo', (request: Request) => {
      const scope = request.scope as HTTPScope
      return new JSONResponse({
        method: request.method,
        path: scope.path,
        rawPath: new TextDecoder().decode(scope.raw_path),
        query: Object.fromEntries(request.queryParams),
        host: request.headers.get('host'),
        agent: request.headers.get('user-agent'),
        client: request.client?.host,
        scheme: scope.scheme,
        server: scope.server,
      })
    }, { methods: ['GET', 'POST'] }),
    new Route('/slow', () => {
      async function* ticks() {
        for (let i = 0; i < 3; i++) {
          if (i) await new Promise((r) => setTimeout(r, 200))
          yield `${i}:${Date.now()}\n`
        }
      }
      return new StreamingResponse(ticks(), { mediaType: 'text/plain' })
    }),
    new Route('/big', () => {
      seen.produced = 0
      async function* chunks() {
        for (let i = 0; i < 400; i++) {
          seen.produced++
          yield new Uint8Array(64 * 1024)
        }
      }
      return new StreamingResponse(chunks())
    }),
    new Route('/events', () => {
      seen.disconnect = undefined
      return new EventSourceResponse(async function* (signal) {
        try {
          yield { event: 'greeting', data: 'hello\nworld', id: '1' }
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
        } finally {
          seen.disconnect = 'generator closed'
          released?.()
        }
      })
    }),
    new Route('/fail', () => {
      throw new Error('deliberate')
    }),
    new Route('/cookie', () => {
      const response = new PlainTextResponse('ok')
      response.setCookie('a', '1')
      response.setCookie('b', '2', { httpOnly: true })
      return response
    }),
  ],
})

// The upload route hands the raw ASGI app its receive; simpler as a raw app mounted by path.
const server = createServer(async (scope, receive, send) => {
  if (scope.type === 'http' && (scope as HTTPScope).path === '/upload') return raw(scope, receive, send)
  return app(scope, receive, send)
}, { onError: () => {} })
let base = ''

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  PORT = (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${PORT}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const curl = async (...args: string[]) => (await run('/usr/bin/curl', ['-s', '--max-time', '5', ...args])).stdout

function get(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => httpRequest(`${base}${path}`, { headers }, resolve).on('error', reject).end())
}

describe('createServer (node:http)', () => {
  test('curl: status, headers and a JSON body; the scope has the path, query, host and client', async () => {
    const out = await curl('-i', '-A', 'curl-test', `${base}/echo?x=1&y=%C3%A9`)
    const [head, body] = out.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(head).toMatch(/\r\ncontent-length: \d+\r\n/)
    expect(head).toMatch(/\r\ncontent-type: application\/json\r\n/)
    expect(JSON.parse(body)).toEqual({
      method: 'GET',
      path: '/echo',
      rawPath: '/echo',
      query: { x: '1', y: 'é' },
      host: `127.0.0.1:${PORT}`,
      agent: 'curl-test',
      client: '127.0.0.1',
      scheme: 'http',
      server: ['127.0.0.1', PORT],
    })
  })

  test('curl: repeated set-cookie headers stay apart', async () => {
    const head = await curl('-D', '-', '-o', '/dev/null', `${base}/cookie`)
    expect(head.split('\r\n').filter((line) => line.startsWith('set-cookie'))).toEqual(['set-cookie: a=1; Path=/; SameSite=lax', 'set-cookie: b=2; HttpOnly; Path=/; SameSite=lax'])
  })

  test('a streamed response arrives chunk by chunk as it is produced', async () => {
    const response = await get('/slow')
    expect(response.headers['transfer-encoding']).toBe('chunked')
    const arrivals: { at: number; made: number }[] = []
    for await (const chunk of response) arrivals.push({ at: Date.now(), made: Number(String(chunk).split(':')[1]) })
    expect(arrivals).toHaveLength(3)
    for (const { at, made } of arrivals) expect(at - made).toBeLessThan(100)
    expect(arrivals[2].at - arrivals[0].at).toBeGreaterThan(300)
    expect(await curl(`${base}/slow`)).toMatch(/^0:\d+\n1:\d+\n2:\d+\n$/)
  })

  test('a request body streams in chunk by chunk (node chunks, curl chunked)', async () => {
    const sizes = await new Promise<number[]>((resolve, reject) => {
      const request = httpRequest(`${base}/upload`, { method: 'POST' }, async (response) => {
        let text = ''
        for await (const chunk of response) text += chunk
        resolve(JSON.parse(text).sizes)
      }).on('error', reject)
      let sent = 0
      const tick = () => {
        if (sent++ === 3) return void request.end()
        request.write(new Uint8Array(1000))
        setTimeout(tick, 80)
      }
      tick()
    })
    expect(sizes).toEqual([1000, 1000, 1000, 0])
    const chunked = JSON.parse(await curl('-H', 'Transfer-Encoding: chunked', '--data-binary', 'hello', `${base}/upload`))
    expect(chunked.sizes.reduce((a: number, b: number) => a + b, 0)).toBe(5)
    expect(chunked.sizes.at(-1)).toBe(0)
  })

  test('backpressure: while the client does not read, the app is held back', async () => {
    const response = await get('/big')
    response.pause()
    await new Promise((r) => setTimeout(r, 500))
    const whilePaused = seen.produced
    // 400 chunks of 64 KiB = 25 MiB; socket and stream buffers hold a small part of it.
    expect(whilePaused).toBeLessThan(100)
    let bytes = 0
    response.on('data', (chunk: Buffer) => (bytes += chunk.length))
    response.resume()
    await new Promise((r) => response.on('end', r))
    expect(bytes).toBe(400 * 64 * 1024)
    expect(seen.produced).toBe(400)
  })

  test('Server-Sent Events: headers at once, frames as produced; the client leaving ends the generator (http.disconnect)', async () => {
    const closed = new Promise<void>((resolve) => (released = resolve))
    const response = await get('/events')
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['x-accel-buffering']).toBe('no')
    const first = await new Promise<string>((resolve) => response.once('data', (chunk) => resolve(String(chunk))))
    expect(first).toBe('id: 1\r\nevent: greeting\r\ndata: hello\r\ndata: world\r\n\r\n')
    expect(seen.disconnect).toBeUndefined()
    response.destroy()
    await closed
    expect(seen.disconnect).toBe('generator closed')
  })

  test('curl -N reads the event stream until its own timeout cuts it', async () => {
    const closed = new Promise<void>((resolve) => (released = resolve))
    const out = await run('/usr/bin/curl', ['-s', '-N', '--max-time', '1', `${base}/events`]).catch((error: { stdout: string; code: number }) => {
      expect(error.code).toBe(28) // curl's "operation timed out"
      return error
    })
    expect(out.stdout).toBe('id: 1\r\nevent: greeting\r\ndata: hello\r\ndata: world\r\n\r\n')
    await closed
  })

  test('an app error before the response is a 500; a bad Host is a 400', async () => {
    expect(await curl('-i', `${base}/fail`)).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n[\s\S]*\r\n\r\nInternal Server Error$/)
    expect(await curl('-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: evil.test/admin', `${base}/echo`)).toBe('400')
    expect(await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/nowhere`)).toBe('404')
  })

  test('HEAD gets the headers without a body', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => httpRequest(`${base}/echo`, { method: 'HEAD' }, resolve).on('error', reject).end())
    let bytes = 0
    for await (const chunk of response) bytes += (chunk as Buffer).length
    expect(response.statusCode).toBe(200)
    expect(Number(response.headers['content-length'])).toBeGreaterThan(0)
    expect(bytes).toBe(0)
  })
})

describe('createServer (node:http) when things go wrong', () => {
  /** A server for one test: `app`, these options; its base URL, and close(). */
  async function serverFor(app: ASGIApp, options: Parameters<typeof createServer>[1] = {}, host = '127.0.0.1') {
    const server = createServer(app, options)
    await new Promise<void>((resolve) => server.listen(0, host, resolve))
    const { port } = server.address() as AddressInfo
    return { base: `http://127.0.0.1:${port}`, port, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) }
  }
  /** One raw HTTP/1.x exchange over a socket: what the server wrote back, until it closed. */
  function rawRequest(port: number, text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(text))
      let out = ''
      socket.on('data', (data) => (out += data.toString('latin1')))
      socket.on('end', () => resolve(out))
      socket.on('error', reject)
    })
  }

  test('HEAD of an endless stream from a sync generator: the app is told at once that nobody reads, and the server goes on answering', async () => {
    let produced = 0
    const feed = new App({
      routes: [
        new Route('/feed', () => new StreamingResponse((function* () {
          while (produced < 200_000) yield `tick ${++produced}\n`
        })())),
      ],
    })
    const { base, close } = await serverFor(feed)
    try {
      const response = await fetch(`${base}/feed`, { method: 'HEAD' })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('')
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(produced, 'chunks made for a HEAD').toBeLessThan(100)
    } finally {
      await close()
    }
  })

  test('an app that ignores http.disconnect and keeps sending does not starve the process once the client is gone', async () => {
    let timerRanDuringTheLoop: boolean | undefined
    const stubborn: ASGIApp = async (_scope, receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await send({ type: 'http.response.body', body: new TextEncoder().encode('first\n'), more_body: true })
      while ((await receive()).type !== 'http.disconnect');
      let timerRan = false
      setTimeout(() => (timerRan = true), 0)
      for (let i = 0; i < 20_000 && !timerRan; i++) await send({ type: 'http.response.body', body: new Uint8Array(10), more_body: true })
      timerRanDuringTheLoop = timerRan
      await send({ type: 'http.response.body', body: new Uint8Array(0), more_body: false })
    }
    const { base, close } = await serverFor(stubborn)
    try {
      const controller = new AbortController()
      const response = await fetch(`${base}/`, { signal: controller.signal })
      await response.body!.getReader().read()
      controller.abort()
      await vi.waitFor(() => expect(timerRanDuringTheLoop).toBeDefined())
      expect(timerRanDuringTheLoop).toBe(true)
    } finally {
      await close()
    }
  })

  test('an onError hook that throws: the client still gets its 500, and the error is logged', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { base, close } = await serverFor(async () => {
      throw new Error('boom')
    }, { onError: () => { throw new Error('hook broke') } })
    try {
      const response = await fetch(base)
      expect([response.status, await response.text()]).toEqual([500, 'Internal Server Error'])
      expect(logged.mock.calls.flat().map(String).join(' ')).toContain('hook broke')
    } finally {
      logged.mockRestore()
      await close()
    }
  })

  test('a background task that fails after the whole body was sent is reported; the body is not cut', async () => {
    const errors: unknown[] = []
    const big = 'x'.repeat(4_000_000)
    const { base, close } = await serverFor(
      new App({ routes: [new Route('/', () => new PlainTextResponse(big, { background: async () => { throw new Error('audit log write failed') } }))] }),
      { onError: (error) => errors.push(error) },
    )
    try {
      const response = await fetch(base)
      expect((await response.text()).length).toBe(big.length)
      await vi.waitFor(() => expect(String(errors[0])).toContain('audit log write failed'))
    } finally {
      await close()
    }
  })

  test('a client that leaves in the middle of a stream is no error of the app', async () => {
    const errors: unknown[] = []
    let finished = false
    const { base, close } = await serverFor(
      new App({
        routes: [
          new Route('/', () => new StreamingResponse((async function* () {
            try {
              for (;;) {
                yield 'tick\n'
                await new Promise((resolve) => setTimeout(resolve, 10))
              }
            } finally {
              finished = true
            }
          })())),
        ],
      }),
      { onError: (error) => errors.push(error) },
    )
    try {
      const controller = new AbortController()
      const response = await fetch(base, { signal: controller.signal })
      await response.body!.getReader().read()
      controller.abort()
      await vi.waitFor(() => expect(finished).toBe(true))
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(errors).toEqual([])
    } finally {
      await close()
    }
  })

  test('a Host that cannot make a URL is a 400: empty, a port out of range, an escape, two of them', async () => {
    const { port, close } = await serverFor(new App({ routes: [new Route('/{rest:path}', (request) => new PlainTextResponse(request.url.href))] }))
    try {
      for (const host of ['', 'a:99999999', 'a%2fb']) {
        expect(await rawRequest(port, `GET /admin/x HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), `Host: ${host}`).toMatch(/^HTTP\/1\.1 400 /)
      }
      expect(await rawRequest(port, 'GET /x HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
      expect(await rawRequest(port, 'GET /x HTTP/1.1\r\nHost: a.test:8080\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nhttp:\/\/a\.test:8080\/x$/)
    } finally {
      await close()
    }
  })

  test("an absolute-form target names the server in place of Host, checked the same way; the scheme is the connection's", async () => {
    const { port, close } = await serverFor(new App({ routes: [new Route('/{rest:path}', (request) => new JSONResponse({ url: request.url.href, scheme: (request.scope as HTTPScope).scheme, server: (request.scope as HTTPScope).server, host: request.headers.get('host') }))] }))
    try {
      const body = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))
      expect(body(await rawRequest(port, 'GET https://other.example:8443/z?q=1 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n'))).toEqual({ url: 'http://other.example:8443/z?q=1', scheme: 'http', server: ['other.example', 8443], host: 'other.example:8443' })
      for (const authority of ['evil.com#', 'a b', '']) {
        expect(await rawRequest(port, `GET http://${authority}/a HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n`), authority).toMatch(/^HTTP\/1\.1 400 /)
      }
      expect(body(await rawRequest(port, 'GET http://h.test/a HTTP/1.1\r\nHost: evil.com#\r\nConnection: close\r\n\r\n')).url).toBe('http://h.test/a')
    } finally {
      await close()
    }
  })

  test('HTTP/1.0 without Host on a dual-stack listener: the URL has the bracketed local address', async () => {
    const { port, close } = await serverFor(new App({ routes: [new Route('/x', (request) => new PlainTextResponse(request.url.href))] }), {}, '::')
    try {
      expect(await rawRequest(port, 'GET /x HTTP/1.0\r\n\r\n')).toMatch(new RegExp(`^HTTP/1\\.1 200 OK[\\s\\S]*\\r\\n\\r\\nhttp://\\[[0-9a-f:.]+\\]:${port}/x$`))
    } finally {
      await close()
    }
  })

  test("a header Node refuses is a 500 'Internal Server Error', without the app's status text or headers", async () => {
    const { port, close } = await serverFor(async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 201, headers: [[new TextEncoder().encode('x-ok'), new TextEncoder().encode('1')], [new TextEncoder().encode('x-a'), new TextEncoder().encode('a\nb')]] })
    }, { onError: () => {} })
    try {
      const answer = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n')
      expect(answer).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/)
      expect(answer).not.toMatch(/x-ok/i)
    } finally {
      await close()
    }
  })

  test('maxBodySize: a larger body is a 413, by its Content-Length or as it streams in; the app sees the client gone', async () => {
    const heard: string[] = []
    const errors: unknown[] = []
    const { base, port, close } = await serverFor(async (scope, receive, send) => {
      if ((scope as HTTPScope).path === '/form') {
        // Request.form() on a body cut off at the limit: its ClientDisconnect is no error of the app's.
        const form = await new Request(scope as HTTPScope, receive).form()
        return new PlainTextResponse(`fields ${[...form.keys()].length}`)(scope, receive, send)
      }
      let size = 0
      for (;;) {
        const message = await receive()
        if (message.type === 'http.disconnect') return void heard.push(`disconnect after ${size}`)
        size += (message.body as Uint8Array).byteLength
        if (!message.more_body) break
      }
      await new PlainTextResponse(`got ${size}`)(scope, receive, send)
    }, { maxBodySize: 1000, onError: (error) => errors.push(error) })
    try {
      const small = await fetch(base, { method: 'POST', body: 'x'.repeat(1000) })
      expect([small.status, await small.text()]).toEqual([200, 'got 1000'])
      const declared = await fetch(base, { method: 'POST', body: 'x'.repeat(1001) })
      expect([declared.status, await declared.text()]).toEqual([413, 'Payload Too Large: the body is over 1000 bytes'])
      // Chunked: no length up front; the 413 comes when the count passes the limit.
      const chunked = await rawRequest(port, `POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n258\r\n${'x'.repeat(600)}\r\n258\r\n${'x'.repeat(600)}\r\n0\r\n\r\n`)
      expect(chunked).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/)
      expect(heard).toEqual(['disconnect after 600'])
      const form = await rawRequest(port, `POST /form HTTP/1.1\r\nHost: a.test\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n258\r\na=${'x'.repeat(598)}\r\n258\r\n${'x'.repeat(600)}\r\n0\r\n\r\n`)
      expect(form).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/)
      expect(errors).toEqual([])
      expect(() => createServer(async () => {}, { maxBodySize: -1 })).toThrow('maxBodySize must be a whole number of bytes (0 or more), got -1')
    } finally {
      await close()
    }
  })
})
