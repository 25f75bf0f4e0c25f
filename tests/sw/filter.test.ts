import { describe, expect, test } from 'vitest'
import { matcher } from '../../src/sw/filter.js'
import { handle } from '../../src/sw/handle.js'
import type { ASGIApp } from '../../src/types.js'

const app: ASGIApp = async () => {}
const origin = 'http://localhost:5173'
const worker = `${origin}/sw.js`
const req = (href: string, method = 'GET') => [new URL(href), new Request(href, { method })] as const

describe('which requests serve() answers', () => {
  test('default for a plain ASGI app: same-origin requests except the worker script', () => {
    const owns = matcher(undefined, app, origin, worker)
    expect(owns(...req(`${origin}/anything?x=1`))).toBe(true)
    expect(owns(...req(worker))).toBe(false)
    expect(owns(...req('https://cdn.example.com/lib.js'))).toBe(false)
  })

  test('a method the page wrote in lower case is matched as the app sees it (upper case)', () => {
    const router = Object.assign(async () => {}, { answersURL: (url: URL, method: string) => url.pathname === '/api/items' && method === 'PATCH' })
    const owns = matcher(undefined, router, origin, worker)
    expect(owns(...req(`${origin}/api/items`, 'patch'))).toBe(true)
  })

  test('default for a router: exactly what its routes match', () => {
    const router = Object.assign(async () => {}, { answersURL: (url: URL, method: string) => url.pathname === '/api/items' && method === 'GET' })
    const owns = matcher(undefined, router, origin, worker)
    expect(owns(...req(`${origin}/api/items`))).toBe(true)
    expect(owns(...req(`${origin}/api/items`, 'POST'))).toBe(false)
    expect(owns(...req(`${origin}/other`))).toBe(false)
    expect(owns(...req('https://elsewhere.test/api/items'))).toBe(false)
  })

  test('a string is a same-origin path prefix', () => {
    const owns = matcher('/api/', app, origin, worker)
    expect(owns(...req(`${origin}/api/x`))).toBe(true)
    expect(owns(...req(`${origin}/apix`))).toBe(false)
    expect(owns(...req('https://other.test/api/x'))).toBe(false)
  })

  test('a RegExp is tested on same-origin paths', () => {
    const owns = matcher(/\.json$/, app, origin, worker)
    expect(owns(...req(`${origin}/data/a.json`))).toBe(true)
    expect(owns(...req(`${origin}/data/a.txt`))).toBe(false)
    expect(owns(...req('https://other.test/a.json'))).toBe(false)
  })

  test('a predicate decides alone, and may accept cross-origin requests explicitly', () => {
    const owns = matcher((url) => url.hostname === 'api.example.com', app, origin, worker)
    expect(owns(...req('https://api.example.com/v1'))).toBe(true)
    expect(owns(...req(`${origin}/v1`))).toBe(false)
  })
})

describe('with swasgi App', () => {
  test('serve() intercepts exactly what the App routes, below its root path', async () => {
    const { App, Route, Mount, PlainTextResponse } = await import('../../src/index.js')
    const appWithRoutes = new App({
      routes: [new Route('/items/{id:int}', () => new PlainTextResponse('x')), new Mount('/api', { routes: [new Route('/ping', () => new PlainTextResponse('pong'))] })],
    })
    const owns = matcher(undefined, appWithRoutes, origin, worker)
    expect(owns(...req(`${origin}/items/3`))).toBe(true)
    expect(owns(...req(`${origin}/items/3`, 'HEAD'))).toBe(true)
    expect(owns(...req(`${origin}/items/abc`))).toBe(false)
    expect(owns(...req(`${origin}/api/ping`))).toBe(true)
    expect(owns(...req(`${origin}/api/other`))).toBe(false)
    const rooted = matcher(undefined, appWithRoutes, origin, worker, '/app')
    expect(rooted(...req(`${origin}/app/items/3`))).toBe(true)
  })
})

describe('the ownership decision and the app see one path', () => {
  // Invalid escapes once decoded differently in the matcher (U+FFFD) and in the scope (kept).
  const paths = ['/exact%FF', '/exact%E2%99', '/files/%FF%FE', '/files/%zz', '/files/a%2Fb', '/files/%C3%A9%ZZ', '/%FF/deep', '/exact%ff']

  test('serve() intercepts a request exactly when the app answers it with its own route', async () => {
    const { App, Route, PlainTextResponse } = await import('../../src/index.js')
    const seen: string[] = []
    const app = new App({
      routes: [
        new Route('/exact\uFFFD', (request) => (seen.push(request.scope.path), new PlainTextResponse('exact'))),
        new Route('/files/{name}', (request) => (seen.push(request.scope.path), new PlainTextResponse(String(request.pathParams.name)))),
      ],
    })
    const owns = matcher(undefined, app, origin, worker)
    const fetchApp = handle(app, { onError: () => {} })
    for (const path of paths) {
      const [url, request] = req(`${origin}${path}`)
      const response = await fetchApp(request)
      expect(owns(url, request), path).toBe(response.status === 200)
    }
    expect(seen).toContain('/exact\uFFFD')
  })
})
