// A Vitest suite whose fetch calls are answered by the app, as its service worker answers them in the browser.
import { createServer as createHTTPServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { intercept, type Interception } from '../../src/node/index.js'
import { App, EventSourceResponse, JSONResponse, PlainTextResponse, RedirectResponse, Route, StreamingResponse, type Request } from '../../src/index.js'

// An ephemeral port, known once the server listens.
let NETWORK_PORT = 0
const log: string[] = []
const errors: unknown[] = []

const app = new App({
  routes: [
    new Route('/api/hello', (request: Request) => new JSONResponse({ hello: request.queryParams.get('name') ?? 'world', cookie: request.headers.get('cookie') })),
    new Route('/api/login', () => {
      const response = new PlainTextResponse('welcome')
      response.setCookie('session', 'abc', { httpOnly: true, path: '/api' })
      return response
    }),
    new Route('/api/old', () => new RedirectResponse('/api/hello?name=moved')),
    // A redirect whose body streams on until the client goes.
    new Route('/api/streamed-redirect', () =>
      new StreamingResponse(
        (async function* () {
          try {
            for (;;) {
              yield 'moved '
              await new Promise((resolve) => setTimeout(resolve, 10))
            }
          } finally {
            log.push('redirect body closed')
          }
        })(),
        { statusCode: 302, headers: { location: '/api/hello?name=streamed' } },
      ),
    ),
    new Route('/api/echo', async (request: Request) => new JSONResponse({ method: request.method, body: await request.json() }), { methods: ['POST'] }),
    new Route('/api/events', () =>
      new EventSourceResponse(async function* (signal) {
        try {
          yield { id: '1', data: 'one' }
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
        } finally {
          log.push('events closed')
        }
      }),
    ),
  ],
})

// A real server for what the app does not answer; `/seen` reports the request, as the redirect app's `/seen` does.
const network = createHTTPServer((request, response) => {
  if (request.url === '/moved') return response.writeHead(302, { location: '/seen' }).end()
  if (request.url !== '/seen') return response.end(`network ${request.url}`)
  let body = ''
  request.on('data', (chunk) => (body += chunk)).on('end', () => response.end(JSON.stringify({ method: request.method, headers: request.headers, body })))
})
const original = globalThis.fetch
let server: Interception

beforeAll(async () => {
  await new Promise<void>((resolve) => network.listen(0, '127.0.0.1', resolve))
  NETWORK_PORT = (network.address() as AddressInfo).port
  server = intercept(app, { origin: 'http://localhost', onError: (error) => errors.push(error) })
})
afterAll(async () => {
  server.close()
  await new Promise<void>((resolve) => network.close(() => resolve()))
})

describe('intercept(app): fetch answered by the app', () => {
  test('absolute and relative URLs of the origin reach the app', async () => {
    expect(await (await fetch('http://localhost/api/hello?name=node')).json()).toEqual({ hello: 'node', cookie: null })
    const response = await fetch('/api/hello')
    expect(response.status).toBe(200)
    expect(response.url).toBe('http://localhost/api/hello')
    expect(response.headers.get('content-type')).toBe('application/json')
  })

  test("the App's own routes decide, as serve()'s default filter: other paths and origins go to the network", async () => {
    expect(await (await fetch(`http://127.0.0.1:${NETWORK_PORT}/api/hello`)).text()).toBe('network /api/hello')
    await expect(fetch('http://localhost:1/not-a-route')).rejects.toThrow() // no route: the network, where nothing listens
  })

  test('request bodies reach the app', async () => {
    const response = await fetch('/api/echo', { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } })
    expect(await response.json()).toEqual({ method: 'POST', body: { a: 1 } })
  })

  test('the cookie jar: set by one response, sent on the next within its path', async () => {
    const login = await fetch('/api/login')
    expect(login.headers.get('set-cookie')).toBeNull() // kept by the jar, as in the worker
    expect((await (await fetch('/api/hello')).json()).cookie).toBe('session=abc')
    expect((await server.cookies!.all()).map((c) => [c.name, c.value, c.path, c.httpOnly])).toEqual([['session', 'abc', '/api', true]])
    // A cookie header the caller writes goes as written, instead of the jar's (as httpx's jar does).
    expect((await (await fetch('/api/hello', { headers: { cookie: 'mine=1' } })).json()).cookie).toBe('mine=1')
    expect((await (await fetch('/api/hello')).json()).cookie).toBe('session=abc')
  })

  test('redirects are followed as fetch does, or handed over with redirect: manual', async () => {
    const followed = await fetch('/api/old')
    expect(followed.redirected).toBe(true)
    expect(followed.url).toBe('http://localhost/api/hello?name=moved')
    expect((await followed.json()).hello).toBe('moved')
    const manual = await fetch('/api/old', { redirect: 'manual' })
    expect(manual.status).toBe(307)
    expect(manual.headers.get('location')).toBe('http://localhost/api/hello?name=moved')
  })

  test('a redirect that is followed has its body cancelled: an app still streaming it disconnects', async () => {
    expect((await (await fetch('/api/streamed-redirect')).json()).hello).toBe('streamed')
    await expect.poll(() => log).toContain('redirect body closed')
  })

  test('a stream is read as it is produced; cancelling it stops the generator, which is no app error', async () => {
    const response = await fetch('/api/events')
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('id: 1\r\ndata: one\r\n\r\n')
    await reader.cancel()
    await expect.poll(() => log).toContain('events closed')
    await new Promise((r) => setTimeout(r, 20))
    expect(errors).toEqual([])
  })

  test('an aborted fetch rejects with the abort reason', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(fetch('/api/hello', { signal: controller.signal })).rejects.toThrow('stop')
  })
})

describe('intercept() options and close()', () => {
  test('a string match, as serve(match): only that prefix is answered', async () => {
    const inner = intercept(async (scope, receive, send) => new PlainTextResponse('inner')(scope, receive, send), { origin: 'http://other.test', match: '/x/' })
    try {
      expect(await (await fetch('http://other.test/x/1')).text()).toBe('inner')
      expect(await (await fetch('http://localhost/api/hello')).json()).toMatchObject({ hello: 'world' }) // the outer interception still answers
    } finally {
      inner.close()
    }
  })

  test('close() puts the original fetch back; a closed interception answers nothing', async () => {
    const before = globalThis.fetch
    const extra = intercept(app, { origin: 'http://closing.test', cookies: false })
    expect(globalThis.fetch).not.toBe(before)
    expect(extra.cookies).toBeNull()
    extra.close()
    expect(globalThis.fetch).toBe(before)
    extra.close() // twice is harmless
    expect(globalThis.fetch).toBe(before)
  })

  test('a missing or bad origin is refused with the reason', () => {
    expect(() => intercept(app, {} as never)).toThrow(/needs an origin such as 'http:\/\/localhost', got undefined/)
    expect(() => intercept(app, { origin: 'localhost' })).toThrow(/got localhost/)
  })

  test('the original fetch was replaced only while intercepting', () => {
    expect(globalThis.fetch).not.toBe(original)
  })
})

describe('intercept(): redirects followed as Node\'s fetch follows them from a real server', () => {
  const ANY = ['GET', 'HEAD', 'POST', 'PUT']
  // `/redirect/{status}?to=…` redirects (no `to`: no Location), `/chain/{n}` redirects n times, `/seen` reports the request.
  const redirects = new App({
    routes: [
      new Route('/redirect/{status:int}', (request: Request) => {
        const to = request.queryParams.get('to'), status = request.pathParams.status as number
        return to === null ? new PlainTextResponse('', status) : new RedirectResponse(to, status)
      }, { methods: ANY }),
      new Route('/chain/{n:int}', (request: Request) => {
        const n = request.pathParams.n as number
        return n ? new RedirectResponse(`/chain/${n - 1}`, 302) : new PlainTextResponse('done')
      }),
      new Route('/seen', async (request: Request) => {
        const seen = { method: request.method, headers: Object.fromEntries(request.headers), body: await request.text() }
        return new JSONResponse(seen, { headers: { 'x-method': request.method } })
      }, { methods: ANY }),
    ],
  })
  // Two origins owned by the app, so that a redirect can change origin and stay in the app.
  let hops: Interception
  beforeAll(() => (hops = intercept(redirects, { origin: 'http://app.test', match: (url) => url.hostname.endsWith('.test'), cookies: false })))
  afterAll(() => hops.close())

  const SENT = {
    authorization: 'Bearer SECRET',
    cookie: 'sid=1',
    'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
    'x-custom': 'kept',
    'content-type': 'text/plain',
    'content-encoding': 'identity',
    'content-language': 'en',
    'content-location': '/draft',
  }
  const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization']
  const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location', 'content-length']
  const without = (names: string[]) => Object.fromEntries(Object.entries(SENT).filter(([name]) => !names.includes(name)))
  const to = (status: number, location: string) => `http://app.test/redirect/${status}?to=${encodeURIComponent(location)}`
  // The request as the app's or the network's `/seen` received it, restricted to the headers sent.
  const seen = async (response: globalThis.Response) => {
    const { method, headers, body } = (await response.json()) as { method: string; headers: Record<string, string>; body: string }
    return { method, headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name in SENT)), body }
  }
  const stream = () => new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode('streamed')), controller.close()) })

  test('a redirect to another origin drops authorization, cookie and proxy-authorization, on the network and in the app', async () => {
    const network = `http://127.0.0.1:${NETWORK_PORT}/seen`
    const left = await fetch(to(302, network), { headers: SENT })
    expect([left.url, left.redirected]).toEqual([network, true])
    expect(await seen(left)).toEqual({ method: 'GET', headers: without(CREDENTIALS), body: '' })
    const posted = await fetch(to(307, 'http://other.test/seen'), { method: 'POST', headers: SENT, body: 'hi' })
    expect(await seen(posted)).toEqual({ method: 'POST', headers: without(CREDENTIALS), body: 'hi' })
    const host = await fetch(to(302, 'http://other.test/seen'), { headers: { host: 'app.test' } })
    expect((await host.json()).headers.host).toBe('other.test') // the Host of the new origin, not the one sent
  })

  test('a redirect within the origin keeps every header', async () => {
    expect(await seen(await fetch(to(307, '/seen'), { method: 'POST', headers: SENT, body: 'hi' }))).toEqual({ method: 'POST', headers: SENT, body: 'hi' })
    expect(await seen(await fetch(to(302, '/seen'), { headers: SENT }))).toEqual({ method: 'GET', headers: SENT, body: '' })
  })

  test('301/302 turn a POST, and 303 anything but GET or HEAD, into a GET without the body and its headers', async () => {
    const asGet = { method: 'GET', headers: without(BODY_HEADERS), body: '' }
    for (const [status, method] of [[301, 'POST'], [302, 'POST'], [303, 'POST'], [303, 'PUT']] as const) {
      expect(await seen(await fetch(to(status, '/seen'), { method, headers: SENT, body: 'hi' })), `${status} ${method}`).toEqual(asGet)
    }
    expect(await seen(await fetch(to(301, '/seen'), { method: 'PUT', headers: SENT, body: 'hi' }))).toEqual({ method: 'PUT', headers: SENT, body: 'hi' })
    expect(await seen(await fetch(to(303, '/seen'), { headers: SENT }))).toEqual({ method: 'GET', headers: SENT, body: '' })
    const head = await fetch(to(303, '/seen'), { method: 'HEAD' })
    expect([head.status, head.url, head.headers.get('x-method')]).toEqual([200, 'http://app.test/seen', 'HEAD'])
  })

  test('307 and 308 send the body again, from a Request too; a streamed body cannot be sent again (fetch fails) but a 303 drops it', async () => {
    expect(await seen(await fetch(to(307, '/seen'), { method: 'POST', body: 'again' }))).toMatchObject({ method: 'POST', body: 'again' })
    expect(await seen(await fetch(to(308, '/seen'), { method: 'PUT', body: new TextEncoder().encode('bytes') }))).toMatchObject({ method: 'PUT', body: 'bytes' })
    expect(await seen(await fetch(new globalThis.Request(to(307, '/seen'), { method: 'POST', body: 'from a Request' })))).toMatchObject({ body: 'from a Request' })
    for (const status of [307, 308, 302]) {
      await expect(fetch(to(status, '/seen'), { method: 'POST', body: stream(), duplex: 'half' } as RequestInit), String(status)).rejects.toThrow(TypeError)
    }
    expect(await seen(await fetch(to(303, '/seen'), { method: 'POST', body: stream(), duplex: 'half' } as RequestInit))).toMatchObject({ method: 'GET', body: '' })
  })

  test("20 redirects at most; redirect: 'error' fails on any 3xx, 'manual' returns it; only http(s) locations without credentials", async () => {
    const twenty = await fetch('http://app.test/chain/20')
    expect([await twenty.text(), twenty.url, twenty.redirected]).toEqual(['done', 'http://app.test/chain/0', true])
    await expect(fetch('http://app.test/chain/21')).rejects.toThrow(TypeError)
    await expect(fetch(to(302, '/seen'), { redirect: 'error' })).rejects.toThrow(TypeError)
    await expect(fetch('http://app.test/redirect/302', { redirect: 'error' })).rejects.toThrow(TypeError) // no Location, still a redirect
    expect((await fetch('http://app.test/redirect/302')).status).toBe(302) // no Location: the response itself
    const manual = await fetch(to(302, '/seen'), { redirect: 'manual' })
    expect([manual.status, manual.headers.get('location'), manual.redirected]).toEqual([302, 'http://app.test/seen', false])
    await expect(fetch(to(302, 'data:text/plain,hi'))).rejects.toThrow(TypeError)
    await expect(fetch(to(302, 'http://user:secret@app.test/seen'))).rejects.toThrow(TypeError)
  })

  test("response.url is the last URL, the network's own redirects included, without its fragment, as fetch's", async () => {
    expect((await fetch('http://app.test/seen#top')).url).toBe('http://app.test/seen')
    expect((await fetch(`${to(302, '/seen')}#top`)).url).toBe('http://app.test/seen')
    expect((await fetch(to(302, `http://127.0.0.1:${NETWORK_PORT}/moved`))).url).toBe(`http://127.0.0.1:${NETWORK_PORT}/seen`)
  })
})
