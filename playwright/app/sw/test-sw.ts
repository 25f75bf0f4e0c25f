// The service worker under test: one raw ASGI app that exercises every response class.
import { serve } from '../../../src/sw/index.js'
import {
  HTMLResponse,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  Response,
  StreamingResponse,
  UJSONResponse,
} from '../../../src/index.js'
import type { ASGIApp, HTTPScope, Receive } from '../../../src/types.js'

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)
const header = (scope: HTTPScope, name: string) => {
  const found = scope.headers.find(([k]) => latin1(k) === name)
  return found ? latin1(found[1]) : null
}

/** What the worker observed, for the tests to read back. */
const observed: Record<string, unknown> = {}

async function readBody(receive: Receive): Promise<number[]> {
  const sizes: number[] = []
  for (;;) {
    const message = await receive()
    if (message.type !== 'http.request') break
    sizes.push((message.body as Uint8Array).length)
    if (!message.more_body) break
  }
  return sizes
}

const app: ASGIApp = async (scope, receive, send) => {
  const s = scope as HTTPScope
  const url = new URL(s.path + (s.query_string.length ? `?${latin1(s.query_string)}` : ''), 'http://x')
  const q = url.searchParams
  const answer = (response: ASGIApp) => response(scope, receive, send)
  switch (url.pathname) {
    case '/':
    case '/page':
      return answer(new HTMLResponse(`<!doctype html><title>worker page</title><h1 id="title">Answered by the worker at ${s.path}</h1>`))
    case '/api/echo':
      return answer(new JSONResponse({ id: q.get('id'), method: s.method, path: s.path }))
    case '/api/plain':
      return answer(new PlainTextResponse('Hello, world!', { headers: { 'x-a': '1' } }))
    case '/api/bytes':
      return answer(new Response(new Uint8Array([0, 1, 2, 254, 255]), { mediaType: 'application/octet-stream' }))
    case '/api/ujson':
      return answer(new UJSONResponse({ path: '/a/b', nan: NaN }))
    case '/api/duplicate-headers':
      return answer(new Response('x', { headers: [['x-dup', 'one'], ['x-dup', 'two']] }))
    case '/api/status':
      return answer(new Response(q.has('body') ? 'body' : null, Number(q.get('code'))))
    case '/api/redirect':
      return answer(new RedirectResponse('/api/echo?id=redirected'))
    case '/api/stream': {
      const n = Number(q.get('n') ?? 3)
      const delay = Number(q.get('delay') ?? 200)
      observed.streamFinally = false
      async function* ticks() {
        try {
          for (let i = 0; i < n; i++) {
            if (i) await new Promise((r) => setTimeout(r, delay))
            yield `${i}:${Date.now()}\n`
          }
        } finally {
          observed.streamFinally = true
        }
      }
      return answer(new StreamingResponse(ticks(), { mediaType: 'text/plain' }))
    }
    case '/api/upload':
      return answer(new JSONResponse({ sizes: await readBody(receive) }))
    case '/api/observed':
      return answer(new JSONResponse(observed))
    case '/api/cookies/set': {
      const response = new PlainTextResponse('set')
      response.setCookie('theme', q.get('theme') ?? 'dark')
      response.setCookie('session', 'secret-token', { httpOnly: true })
      return answer(response)
    }
    case '/api/cookies/delete': {
      const response = new PlainTextResponse('deleted')
      response.deleteCookie('theme')
      response.deleteCookie('session', { httpOnly: true })
      return answer(response)
    }
    case '/api/cookies/get':
      return answer(new JSONResponse({ cookie: header(s, 'cookie') }))
    case '/api/error':
      throw new Error('deliberate failure in the app')
    default:
      return answer(new PlainTextResponse('Not Found', 404))
  }
}

serve(app, {
  // /network/ stays with the server, so tests can tell who answered.
  match: (url) => url.origin === location.origin && !url.pathname.startsWith('/network/') && !url.pathname.startsWith('/assets/') && url.pathname !== '/sw.js' && url.pathname !== '/index.html',
  debug: location.search.includes('debug'),
  onError: () => {},
})
