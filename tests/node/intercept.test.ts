// A Vitest suite whose fetch calls are answered by the app, as its service worker answers them in the browser.
import { createServer as createHTTPServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { intercept, type Interception } from '../../src/node/index.js'
import { App, EventSourceResponse, JSONResponse, PlainTextResponse, RedirectResponse, Route, type Request } from '../../src/index.js'

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

// A real server for what the app does not answer.
const network = createHTTPServer((request, response) => response.end(`network ${request.url}`))
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
