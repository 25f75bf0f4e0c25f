// Follows Starlette's tests/middleware/test_cors.py where it applies.
import { describe, expect, test } from 'vitest'
import { cors, type CORSOptions } from '../../src/middleware/cors.js'
import { PlainTextResponse } from '../../src/responses/index.js'
import { Route, Router } from '../../src/routing/index.js'
import type { HTTPScope } from '../../src/types.js'
import { bodyText, call, headerPairs, httpScope } from '../helpers/asgi.js'

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))

const shared = new PlainTextResponse('Homepage', { headers: { 'x-app': '1' } })
const app = new Router([new Route('/', () => shared, { methods: ['GET', 'POST'] })])

async function send(options: CORSOptions, method: string, headers: Record<string, string>) {
  const scope: HTTPScope = httpScope({ method, headers: Object.entries(headers).map(([k, v]) => [latin1(k.toLowerCase()), latin1(v)]) })
  const messages = await call(cors(options)(app), scope)
  const pairs = headerPairs(messages[0])
  return { status: messages[0].status, text: bodyText(messages), header: (name: string) => pairs.find(([k]) => k === name)?.[1], pairs }
}

const preflight = (origin: string, extra: Record<string, string> = {}) => ({ origin, 'access-control-request-method': 'GET', ...extra })

describe('cors', () => {
  test('allow all: preflight', async () => {
    const options = { allowOrigins: ['*'], allowHeaders: ['*'], allowMethods: ['*'], exposeHeaders: ['X-Status'], allowCredentials: true }
    const response = await send(options, 'OPTIONS', preflight('https://example.org', { 'access-control-request-headers': 'X-Example' }))
    expect(response.status).toBe(200)
    expect(response.text).toBe('OK')
    expect(response.header('access-control-allow-origin')).toBe('https://example.org')
    expect(response.header('access-control-allow-headers')).toBe('X-Example')
    expect(response.header('access-control-allow-credentials')).toBe('true')
    expect(response.header('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT')
    expect(response.header('access-control-max-age')).toBe('600')
    expect(response.header('vary')).toBe('Origin')
  })

  test('allow all: simple request', async () => {
    const options = { allowOrigins: ['*'], exposeHeaders: ['X-Status'], allowCredentials: true }
    const response = await send(options, 'GET', { origin: 'https://example.org' })
    expect(response.status).toBe(200)
    expect(response.text).toBe('Homepage')
    expect(response.header('access-control-allow-origin')).toBe('*')
    expect(response.header('access-control-expose-headers')).toBe('X-Status')
    expect(response.header('access-control-allow-credentials')).toBe('true')
    expect(response.header('x-app')).toBe('1')
  })

  test('allow all origins with a cookie: the origin is echoed, with Vary', async () => {
    const response = await send({ allowOrigins: ['*'] }, 'GET', { origin: 'https://example.org', cookie: 'a=1' })
    expect(response.header('access-control-allow-origin')).toBe('https://example.org')
    expect(response.header('vary')).toBe('Origin')
  })

  test('specific origins: preflight lists safelisted plus allowed headers, sorted', async () => {
    const options = { allowOrigins: ['https://example.org'], allowHeaders: ['X-Example', 'Content-Type'] }
    const response = await send(options, 'OPTIONS', preflight('https://example.org', { 'access-control-request-headers': 'X-Example, Content-Type' }))
    expect(response.status).toBe(200)
    expect(response.header('access-control-allow-origin')).toBe('https://example.org')
    expect(response.header('access-control-allow-headers')).toBe('Accept, Accept-Language, Content-Language, Content-Type, X-Example')
    expect(response.header('access-control-allow-credentials')).toBeUndefined()
  })

  test('disallowed preflight: 400 naming what failed', async () => {
    const options = { allowOrigins: ['https://example.org'], allowHeaders: ['X-Example'] }
    const response = await send(options, 'OPTIONS', {
      origin: 'https://another.org',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'X-Nope',
    })
    expect(response.status).toBe(400)
    expect(response.text).toBe('Disallowed CORS origin, method, headers')
    expect(response.header('access-control-allow-origin')).toBeUndefined()
  })

  test('specific origins: simple requests echo an allowed origin only', async () => {
    const options = { allowOrigins: ['https://example.org'] }
    const allowed = await send(options, 'GET', { origin: 'https://example.org' })
    expect(allowed.header('access-control-allow-origin')).toBe('https://example.org')
    expect(allowed.header('vary')).toBe('Origin')
    const other = await send(options, 'GET', { origin: 'https://another.org' })
    expect(other.status).toBe(200)
    expect(other.header('access-control-allow-origin')).toBeUndefined()
  })

  test('allowOriginRegex matches the whole origin', async () => {
    const options = { allowOriginRegex: 'https://.*\\.example\\.org' }
    expect((await send(options, 'GET', { origin: 'https://api.example.org' })).header('access-control-allow-origin')).toBe('https://api.example.org')
    expect((await send(options, 'GET', { origin: 'https://api.example.org.evil.com' })).header('access-control-allow-origin')).toBeUndefined()
  })

  test('requests without an Origin pass untouched; OPTIONS without a requested method is not a preflight', async () => {
    const plain = await send({ allowOrigins: ['*'] }, 'GET', {})
    expect(plain.header('access-control-allow-origin')).toBeUndefined()
    const options = await send({ allowOrigins: ['*'] }, 'OPTIONS', { origin: 'https://example.org' })
    expect(options.status).toBe(405)
    expect(options.header('access-control-allow-origin')).toBe('*')
  })

  test('the wrapped response object is not changed for later requests', async () => {
    await send({ allowOrigins: ['*'] }, 'GET', { origin: 'https://example.org' })
    expect(shared.headers.has('access-control-allow-origin')).toBe(false)
  })
})
