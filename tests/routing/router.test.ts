import { describe, expect, test } from 'vitest'
import { JSONResponse, PlainTextResponse } from '../../src/responses/index.js'
import type { Request } from '../../src/requests.js'
import { Mount, NoMatchFound, Route, Router } from '../../src/routing/index.js'
import type { ASGIApp, HTTPScope, Message } from '../../src/types.js'
import { bodyText, call, headerPairs, httpScope } from '../helpers/asgi.js'

const encode = (text: string) => new TextEncoder().encode(text)

/** A scope for `path` (decoded, as servers give it), with its raw form and an optional query. */
function scope(path: string, overrides: Partial<HTTPScope> = {}): HTTPScope {
  return httpScope({ path, raw_path: encode(path), ...overrides })
}

const header = (messages: Message[], name: string) => headerPairs(messages[0]).find(([k]) => k === name)?.[1]

async function get(app: ASGIApp, path: string, overrides: Partial<HTTPScope> = {}) {
  const messages = await call(app as Parameters<typeof call>[0], scope(path, overrides))
  return { status: messages[0].status as number, text: bodyText(messages), header: (name: string) => header(messages, name) }
}

const params = (request: Request) => new JSONResponse(request.pathParams)

function users(): Router {
  return new Router([
    new Route('/', () => new PlainTextResponse('home'), { name: 'home' }),
    new Route('/users', () => new PlainTextResponse('users'), { name: 'users' }),
    new Route('/users/{id:int}', params, { name: 'user' }),
    new Route('/users/{id:int}', () => new PlainTextResponse('deleted'), { methods: ['DELETE'], name: 'delete_user' }),
    new Route('/items/{name}/', params, { name: 'item' }),
    new Route('/files/{rest:path}', params, { name: 'file' }),
    new Route('/posts', () => new PlainTextResponse('created'), { methods: ['POST'] }),
  ])
}

describe('dispatch', () => {
  test('answers the matching route with its converted path params', async () => {
    const app = users()
    expect(await get(app, '/')).toMatchObject({ status: 200, text: 'home' })
    expect(await get(app, '/users')).toMatchObject({ status: 200, text: 'users' })
    expect(JSON.parse((await get(app, '/users/7')).text)).toEqual({ id: 7 })
    expect(JSON.parse((await get(app, '/files/a/b/c.txt')).text)).toEqual({ rest: 'a/b/c.txt' })
  })

  test('puts the params into scope.path_params', async () => {
    const seen: HTTPScope[] = []
    const app = new Router([new Route('/p/{x:float}', { asgi: async (s, r, send) => (seen.push(s as HTTPScope), new PlainTextResponse('')(s, r, send)) })])
    await get(app, '/p/1.5')
    expect((seen[0] as { path_params?: unknown }).path_params).toEqual({ x: 1.5 })
  })

  test('404 Not Found as plain text when nothing matches', async () => {
    const response = await get(users(), '/nowhere')
    expect(response).toMatchObject({ status: 404, text: 'Not Found' })
    expect(response.header('content-type')).toBe('text/plain; charset=utf-8')
  })

  test('a convertor that does not match is a 404, not a 405', async () => {
    expect((await get(users(), '/users/abc')).status).toBe(404)
  })

  test('percent-encoded segments match in their decoded form', async () => {
    const app = new Router([new Route('/say/{word}', params), new Route('/files/{rest:path}', params)])
    // Servers decode the path: /say/hello%20world arrives as "/say/hello world".
    expect(JSON.parse((await get(app, '/say/hello world')).text)).toEqual({ word: 'hello world' })
    expect(JSON.parse((await get(app, '/say/café')).text)).toEqual({ word: 'café' })
    // An encoded slash is a slash once decoded: no longer one {str} segment, still a {path}.
    expect((await get(app, '/say/a/b')).status).toBe(404)
    expect(JSON.parse((await get(app, '/files/a/b')).text)).toEqual({ rest: 'a/b' })
  })

  test('the first matching route wins', async () => {
    const app = new Router([new Route('/x/{name}', () => new PlainTextResponse('param')), new Route('/x/me', () => new PlainTextResponse('literal'))])
    expect((await get(app, '/x/me')).text).toBe('param')
  })

  test('a raw ASGI app given as { asgi } answers every method', async () => {
    const raw: ASGIApp = (s, r, send) => new PlainTextResponse(`raw ${(s as HTTPScope).method}`)(s, r, send)
    const app = new Router([new Route('/raw', { asgi: raw })])
    expect((await get(app, '/raw', { method: 'PATCH' })).text).toBe('raw PATCH')
  })

  test('an endpoint that returns no response is a clear error', async () => {
    const app = new Router([new Route('/bad', (() => undefined) as never)])
    await expect(get(app, '/bad')).rejects.toThrow('returned undefined, not a Response')
  })

  test('routes refuse paths without a leading slash and malformed endpoints', () => {
    expect(() => new Route('users', () => new PlainTextResponse(''))).toThrow("Routed paths must start with '/'")
    expect(() => new Mount('api', new Router())).toThrow("Routed paths must start with '/'")
    expect(() => new Route('/x', {} as never)).toThrow('{ asgi: app }')
  })

  test('answers the lifespan protocol', async () => {
    const incoming: Message[] = [{ type: 'lifespan.startup' }, { type: 'lifespan.shutdown' }]
    const sent: Message[] = []
    await new Router()({ type: 'lifespan', asgi: { version: '3.0' } }, async () => incoming.shift() as Message, async (m) => void sent.push(m))
    expect(sent.map((m) => m.type)).toEqual(['lifespan.startup.complete', 'lifespan.shutdown.complete'])
  })
})

describe('methods', () => {
  test('405 Method Not Allowed with Allow when only the path matches', async () => {
    const response = await get(users(), '/posts')
    expect(response).toMatchObject({ status: 405, text: 'Method Not Allowed' })
    expect(response.header('allow')).toBe('POST')
    expect(await get(users(), '/posts', { method: 'POST' })).toMatchObject({ status: 200, text: 'created' })
  })

  test('a later route with the right method wins over an earlier partial match', async () => {
    expect(await get(users(), '/users/3', { method: 'DELETE' })).toMatchObject({ status: 200, text: 'deleted' })
    const response = await get(users(), '/users/3', { method: 'PUT' })
    expect(response.status).toBe(405)
    expect(response.header('allow')).toBe('GET, HEAD')
  })

  test('GET routes answer HEAD', async () => {
    expect(await get(users(), '/users', { method: 'HEAD' })).toMatchObject({ status: 200 })
    expect(new Route('/', () => new PlainTextResponse(''), { methods: ['get', 'post'] }).methods).toEqual(['GET', 'POST', 'HEAD'])
  })

  test('methods default to GET for endpoints and to all for raw apps', () => {
    expect(new Route('/', () => new PlainTextResponse('')).methods).toEqual(['GET', 'HEAD'])
    expect(new Route('/', { asgi: async () => {} }).methods).toBeUndefined()
  })
})

describe('redirect_slashes', () => {
  test('307 to the path with a trailing slash when only that one matches', async () => {
    const response = await get(users(), '/items/x', { query_string: encode('a=1') })
    expect(response.status).toBe(307)
    expect(response.header('location')).toBe('http://testserver/items/x/?a=1')
  })

  test('307 to the path without the trailing slash', async () => {
    const response = await get(users(), '/users/', { headers: [[encode('host'), encode('example.com:8080')]] })
    expect(response.status).toBe(307)
    expect(response.header('location')).toBe('http://example.com:8080/users')
  })

  test('the redirect target keeps percent-encoding', async () => {
    const app = new Router([new Route('/say/{word}/', params)])
    expect((await get(app, '/say/a b')).header('location')).toBe('http://testserver/say/a%20b/')
  })

  test('a path of many slashes costs no more than its length (the trailing ones were trimmed by a backtracking regex: ~20 s here)', async () => {
    const app = new Router([new Route('/users', params)])
    const path = `${'/'.repeat(200_000)}x/`
    expect(app.answersURL(new URL(`http://testserver${path}`), 'GET')).toBe(false)
    expect((await get(users(), '/users///')).header('location')).toBe('http://testserver/users')
  })

  test('a path-only (405) match on the other spelling still redirects', async () => {
    expect((await get(users(), '/posts/')).status).toBe(307)
  })

  test('no redirect for "/" and none when turned off', async () => {
    const app = new Router([new Route('/users', () => new PlainTextResponse(''))], { redirectSlashes: false })
    expect((await get(app, '/users/')).status).toBe(404)
    // As in Starlette, every trailing slash goes: "//" becomes "", which no route matches.
    expect((await get(new Router([new Route('/', () => new PlainTextResponse(''))]), '//')).status).toBe(404)
    expect((await get(new Router([new Route('/a', () => new PlainTextResponse(''))]), '/a//')).status).toBe(307)
    expect((await get(new Router([new Route('/x', () => new PlainTextResponse(''))]), '/')).status).toBe(404)
  })

  test('a mount redirects its bare prefix to the prefix with a slash', async () => {
    const app = new Router([new Mount('/api', { routes: [new Route('/', () => new PlainTextResponse('api root'))] })])
    const response = await get(app, '/api')
    expect(response.status).toBe(307)
    expect(response.header('location')).toBe('http://testserver/api/')
    expect((await get(app, '/api/')).text).toBe('api root')
  })
})

describe('mounts', () => {
  const seen: HTTPScope[] = []
  const record: ASGIApp = async (s, r, send) => {
    seen.push({ ...(s as HTTPScope) })
    await new PlainTextResponse('mounted')(s, r, send)
  }

  test('a mounted app sees the full path, with the prefix added to root_path', async () => {
    seen.length = 0
    const app = new Router([new Mount('/static', record)])
    expect((await get(app, '/static/css/site.css')).text).toBe('mounted')
    expect(seen[0]).toMatchObject({ path: '/static/css/site.css', root_path: '/static', app_root_path: '' })
  })

  test('nested mounts with routes, and path params from every level', async () => {
    const app = new Router([
      new Mount('/orgs/{org}', {
        routes: [new Mount('/teams/{team:int}', { routes: [new Route('/members/{member}', params)] })],
      }),
    ])
    expect(JSON.parse((await get(app, '/orgs/acme/teams/3/members/ada')).text)).toEqual({ org: 'acme', team: 3, member: 'ada' })
    expect((await get(app, '/orgs/acme/teams/3/other')).status).toBe(404)
  })

  test('a mount with a trailing slash in its path behaves like one without', async () => {
    const app = new Router([new Mount('/api/', { routes: [new Route('/ping', () => new PlainTextResponse('pong'))] })])
    expect((await get(app, '/api/ping')).text).toBe('pong')
  })

  test('a mount at "" catches everything', async () => {
    seen.length = 0
    await get(new Router([new Mount('', record)]), '/anything/here')
    expect(seen[0]).toMatchObject({ root_path: '', path: '/anything/here' })
  })

  test('a mount does not match a path that merely starts with its prefix', async () => {
    expect((await get(new Router([new Mount('/api', record)]), '/apiary')).status).toBe(404)
  })
})

describe('root_path', () => {
  test('routes match below the root path; path stays the full path', async () => {
    const app = users()
    expect(JSON.parse((await get(app, '/prefix/users/5', { root_path: '/prefix' })).text)).toEqual({ id: 5 })
    expect((await get(app, '/prefix', { root_path: '/prefix' })).status).toBe(307)
    expect((await get(app, '/prefix', { root_path: '/prefix' })).header('location')).toBe('http://testserver/prefix/')
    expect((await get(app, '/prefix/', { root_path: '/prefix' })).text).toBe('home')
  })

  test('mounts below a root path keep app_root_path for urlFor', async () => {
    const app = new Router([
      new Mount('/api', { routes: [new Route('/users/{id:int}', (request) => new PlainTextResponse(request.urlFor('api:user', { id: 9 }).href), { name: 'user' })] }, { name: 'api' }),
    ])
    const response = await get(app, '/root/api/users/1', { root_path: '/root' })
    expect(response.text).toBe('http://testserver/root/api/users/9')
  })
})

describe('reverse routing', () => {
  test('urlPathFor fills parameters through their convertors', () => {
    const app = users()
    expect(app.urlPathFor('home')).toBe('/')
    expect(app.urlPathFor('user', { id: 12 })).toBe('/users/12')
    expect(app.urlPathFor('item', { name: 'x' })).toBe('/items/x/')
    expect(app.urlPathFor('file', { rest: 'a/b c' })).toBe('/files/a/b%20c')
  })

  test('values are percent-encoded so the URL routes back to the same value', () => {
    expect(users().urlPathFor('item', { name: 'a b?#%é' })).toBe('/items/a%20b%3F%23%25%C3%A9/')
  })

  test('the default name is the endpoint function\'s name', () => {
    function listThings() {
      return new PlainTextResponse('')
    }
    expect(new Router([new Route('/things', listThings)]).urlPathFor('listThings')).toBe('/things')
  })

  test('wrong names or parameter sets are NoMatchFound', () => {
    const app = users()
    expect(() => app.urlPathFor('nope')).toThrow(NoMatchFound)
    expect(() => app.urlPathFor('user')).toThrow('No route exists for name "user" and params "".')
    expect(() => app.urlPathFor('user', { id: 1, extra: 2 })).toThrow(NoMatchFound)
    expect(() => app.urlPathFor('user', { id: -1 })).toThrow(TypeError)
  })

  test('mount names: "mount:route", nested, and the mount itself with a path', () => {
    const app = new Router([
      new Mount(
        '/users/{uid:int}',
        { routes: [new Route('/posts/{slug}', params, { name: 'post' }), new Mount('/admin', { routes: [new Route('/', params, { name: 'index' })] }, { name: 'admin' })] },
        { name: 'users' },
      ),
      new Mount('/static', async () => {}, { name: 'static' }),
      new Mount('/anon', { routes: [new Route('/x', params, { name: 'anon_x' })] }),
    ])
    expect(app.urlPathFor('users:post', { uid: 1, slug: 'hello' })).toBe('/users/1/posts/hello')
    expect(app.urlPathFor('users:admin:index', { uid: 2 })).toBe('/users/2/admin/')
    expect(app.urlPathFor('static', { path: '/css/site.css' })).toBe('/static/css/site.css')
    expect(app.urlPathFor('anon_x')).toBe('/anon/x')
    expect(() => app.urlPathFor('post', { uid: 1, slug: 'x' })).toThrow(NoMatchFound)
    expect(() => app.urlPathFor('static')).toThrow(NoMatchFound)
  })

  test('request.urlFor gives an absolute URL on the request\'s origin', async () => {
    const app = new Router([
      new Route('/a', (request) => new PlainTextResponse(request.urlFor('b', { n: 3 }).href)),
      new Route('/b/{n:int}', params, { name: 'b' }),
    ])
    const response = await get(app, '/a', { scheme: 'https', headers: [[encode('host'), encode('example.com')]] })
    expect(response.text).toBe('https://example.com/b/3')
  })
})

describe('matches()', () => {
  const app = new Router([
    new Route('/users', () => new PlainTextResponse('')),
    new Route('/users/{id:int}', () => new PlainTextResponse(''), { methods: ['GET', 'PUT'] }),
    new Route('/dir/', () => new PlainTextResponse('')),
    new Route('/say/{word}', () => new PlainTextResponse('')),
    new Mount('/api', { routes: [new Route('/ping', () => new PlainTextResponse('')), new Route('/', () => new PlainTextResponse(''))] }),
    new Mount('/raw', async () => {}),
  ])
  const url = (path: string) => new URL(path, 'https://example.com')

  test('true for a route that answers the path and method', () => {
    expect(app.answersURL(url('/users'), 'GET')).toBe(true)
    expect(app.answersURL(url('/users?page=2'), 'HEAD')).toBe(true)
    expect(app.answersURL(url('/users/4'), 'PUT')).toBe(true)
    expect(app.answersURL(url('/api/ping'), 'GET')).toBe(true)
    expect(app.answersURL(url('/raw/anything/at/all'), 'DELETE')).toBe(true)
  })

  test('false for unknown paths, wrong methods and convertor mismatches', () => {
    expect(app.answersURL(url('/nope'), 'GET')).toBe(false)
    expect(app.answersURL(url('/users'), 'POST')).toBe(false)
    expect(app.answersURL(url('/users/abc'), 'GET')).toBe(false)
    expect(app.answersURL(url('/api/missing'), 'GET')).toBe(false)
  })

  test('matches() is the deprecated name of answersURL() and gives the same answers', () => {
    for (const [path, method] of [['/users', 'GET'], ['/users', 'POST'], ['/dir', 'GET'], ['/nope', 'GET']] as const) {
      expect(app.matches(url(path), method)).toBe(app.answersURL(url(path), method))
    }
  })

  test('decodes the URL path as servers do', () => {
    expect(app.answersURL(url('/say/hello%20world'), 'GET')).toBe(true)
    expect(app.answersURL(url('/say/a%2Fb'), 'GET')).toBe(false)
  })

  test('counts a trailing-slash redirect that leads to a route', () => {
    expect(app.answersURL(url('/dir'), 'GET')).toBe(true)
    expect(app.answersURL(url('/users/'), 'GET')).toBe(true)
    expect(app.answersURL(url('/api'), 'GET')).toBe(true)
    expect(app.answersURL(url('/dir'), 'POST')).toBe(false)
  })

  test('honours a root path', () => {
    expect(app.answersURL(url('/app/users'), 'GET', '/app')).toBe(true)
    expect(app.answersURL(url('/users'), 'GET', '/app')).toBe(true)
    expect(app.answersURL(url('/app/nope'), 'GET', '/app')).toBe(false)
  })

  test('agrees with what dispatching the request answers', async () => {
    const ok = () => new PlainTextResponse('ok')
    const app = new Router([
      new Route('/a', ok),
      new Route('/b/', ok, { methods: ['POST'] }),
      new Route('/n/{n:int}', ok),
      new Mount('/m', { routes: [new Route('/', ok), new Route('/x/{rest:path}', ok)] }),
    ])
    const paths = ['/', '/a', '/a/', '/b', '/b/', '/n/1', '/n/x', '/n/1/', '/m', '/m/', '/m/x', '/m/x/', '/m/x/y/z', '/m/y', '/other']
    for (const path of paths) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        let response = await get(app, path, { method })
        const location = response.header('location')
        if (response.status === 307 && location) response = await get(app, new URL(location).pathname, { method })
        expect([path, method, app.answersURL(new URL(path, 'http://testserver'), method)]).toEqual([path, method, response.status === 200])
      }
    }
  })
})
