// Dot segments: the path the router matches and request.url must agree (a guard on one, a route on the other).
import { describe, expect, test } from 'vitest'
import { App, PlainTextResponse, Request, Route } from '../src/index.js'
import type { ASGIApp, HTTPScope, Receive, Send } from '../src/types.js'
import { urlScope } from '../src/scope.js'
import { splitURL } from '../src/urls.js'

describe('dot segments in a request path', () => {
  /** A guard on request.url in front of an admin route, as a user would write it. */
  const guard = (app: ASGIApp): ASGIApp => async (scope, receive, send) => {
    if (scope.type === 'http' && new Request(scope as HTTPScope).url.pathname.startsWith('/admin/')) return new PlainTextResponse('forbidden', 403)(scope, receive, send)
    return app(scope, receive, send)
  }
  const app = new App({
    middleware: [guard],
    routes: [
      new Route('/admin/{id}/delete', (request) => new PlainTextResponse(`deleted ${request.pathParams.id}`), { methods: ['POST'] }),
      new Route('/{rest:path}', (request) => new PlainTextResponse(`public ${request.url.pathname}`), { methods: ['POST'] }),
    ],
  })
  async function post(target: string): Promise<string> {
    const out: { status?: number; body?: Uint8Array }[] = []
    const receive: Receive = async () => ({ type: 'http.request', body: new Uint8Array(), more_body: false })
    const send: Send = async (message) => void out.push(message as never)
    await app(urlScope(splitURL(`http://h.test${target}`), 'POST'), receive, send)
    return `${out[0].status} ${new TextDecoder().decode(out[1].body)}`
  }

  test('a guard on request.url and the router see the same path, whatever the spelling of the dots', async () => {
    expect(await post('/admin/7/delete')).toBe('403 forbidden')
    for (const target of ['/admin/../delete', '/admin/%2e%2e/delete', '/admin/.%2E/delete', '/admin/..%2fdelete', '/admin/7/./../../delete']) {
      expect(await post(target), target).toBe('200 public /delete')
    }
    expect(await post('/admin/./7/delete')).toBe('403 forbidden')
  })

  test('the scope path has its dot segments resolved; raw_path stays as sent', () => {
    const scope = urlScope(splitURL('http://h.test/a/b/../c/./d/..'), 'GET')
    expect(scope.path).toBe('/a/c/')
    expect(new TextDecoder().decode(scope.raw_path)).toBe('/a/b/../c/./d/..')
    expect(urlScope(splitURL('http://h.test/../../x'), 'GET').path).toBe('/x')
    expect(urlScope(splitURL('http://h.test/..'), 'GET').path).toBe('/')
    expect(urlScope(splitURL('http://h.test/a..b/.c/'), 'GET').path).toBe('/a..b/.c/')
  })
})
