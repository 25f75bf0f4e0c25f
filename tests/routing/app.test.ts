import { describe, expect, test } from 'vitest'
import { App, type Middleware } from '../../src/applications.js'
import { HTTPException } from '../../src/exceptions.js'
import { JSONResponse, PlainTextResponse, Response } from '../../src/responses/index.js'
import { Mount, Route, Router } from '../../src/routing/index.js'
import type { HTTPScope, Message } from '../../src/types.js'
import { bodyText, call, headerPairs, httpScope } from '../helpers/asgi.js'

const encode = (text: string) => new TextEncoder().encode(text)

async function get(app: App, path: string, overrides: Partial<HTTPScope> = {}) {
  const messages = await call(app, httpScope({ path, raw_path: encode(path), ...overrides }))
  return { status: messages[0].status as number, text: bodyText(messages), headers: headerPairs(messages[0]) }
}

class Teapot extends Error {}
class SmallTeapot extends Teapot {}

const routes = [
  new Route('/ok', () => new PlainTextResponse('ok')),
  new Route('/forbidden', () => {
    throw new HTTPException(403)
  }),
  new Route('/custom', () => {
    throw new HTTPException(418, 'short and stout', { 'x-kind': 'teapot' })
  }),
  new Route('/empty', () => {
    throw new HTTPException(304)
  }),
  new Route('/teapot', () => {
    throw new SmallTeapot('brewing')
  }),
  new Route('/boom', () => {
    throw new Error('boom')
  }),
  new Route('/post', () => new PlainTextResponse('posted'), { methods: ['POST'] }),
]

describe('App', () => {
  test('is an ASGI app over its routes', async () => {
    const app = new App({ routes })
    expect(await get(app, '/ok')).toMatchObject({ status: 200, text: 'ok' })
    expect(app.routes).toBe(app.router.routes)
  })

  test('HTTPException becomes a plain-text response with its status, detail and headers', async () => {
    const app = new App({ routes })
    expect(await get(app, '/forbidden')).toMatchObject({ status: 403, text: 'Forbidden' })
    const custom = await get(app, '/custom')
    expect(custom).toMatchObject({ status: 418, text: 'short and stout' })
    expect(custom.headers).toContainEqual(['x-kind', 'teapot'])
    const empty = await get(app, '/empty')
    expect(empty).toMatchObject({ status: 304, text: '' })
  })

  test('404 and 405 go through the exception handlers', async () => {
    const app = new App({ routes, exceptionHandlers: [[404, () => new JSONResponse({ missing: true }, 404)]] })
    expect(await get(app, '/nope')).toMatchObject({ status: 404, text: '{"missing":true}' })
    const notAllowed = await get(app, '/post')
    expect(notAllowed).toMatchObject({ status: 405, text: 'Method Not Allowed' })
    expect(notAllowed.headers).toContainEqual(['allow', 'POST'])
  })

  test('handlers by error class use the nearest superclass', async () => {
    const app = new App({ routes, exceptionHandlers: new Map([[Teapot, (_request, error: Teapot) => new PlainTextResponse(`teapot: ${error.message}`, 418)]]) })
    expect(await get(app, '/teapot')).toMatchObject({ status: 418, text: 'teapot: brewing' })
  })

  test('other errors are rethrown for the server to answer 500', async () => {
    await expect(get(new App({ routes }), '/boom')).rejects.toThrow('boom')
  })

  test('a 500 (or Error) handler answers otherwise unhandled errors', async () => {
    for (const key of [500, Error]) {
      const app = new App({ routes, exceptionHandlers: [[key, (_request, error: Error) => new PlainTextResponse(`sorry: ${error.message}`, 500)]] })
      expect(await get(app, '/boom')).toMatchObject({ status: 500, text: 'sorry: boom' })
    }
  })

  test('debug answers a 500 with the stack trace', async () => {
    const response = await get(new App({ routes, debug: true }), '/boom')
    expect(response.status).toBe(500)
    expect(response.text).toMatch(/^Error: boom\n\s+at /)
  })

  test('an error after the response started goes to the server as it is, never answered twice', async () => {
    const late = new Route('/late', {
      asgi: async (_scope, _receive, send) => {
        await send({ type: 'http.response.start', status: 200, headers: [] })
        throw new HTTPException(400)
      },
    })
    await expect(get(new App({ routes: [late], debug: true }), '/late')).rejects.toThrow(HTTPException)
  })

  test('middleware is applied outermost first and sees HTTPExceptions as responses', async () => {
    const order: string[] = []
    const tag =
      (name: string): Middleware =>
      (app) =>
      async (scope, receive, send) => {
        order.push(`${name} in`)
        await app(scope, receive, async (message: Message) => {
          if (message.type === 'http.response.start') order.push(`${name} saw ${message.status}`)
          await send(message)
        })
        order.push(`${name} out`)
      }
    await get(new App({ routes, middleware: [tag('outer'), tag('inner')] }), '/forbidden')
    expect(order).toEqual(['outer in', 'inner in', 'inner saw 403', 'outer saw 403', 'inner out', 'outer out'])
  })

  test('errors thrown by middleware reach the 500 handler', async () => {
    const broken: Middleware = () => async () => {
      throw new Error('middleware broke')
    }
    const app = new App({ routes, middleware: [broken], exceptionHandlers: [[500, () => new Response('handled', 500)]] })
    expect(await get(app, '/ok')).toMatchObject({ status: 500, text: 'handled' })
  })

  test('app.state is shared; request.state is per request', async () => {
    const app = new App({
      routes: [
        new Route('/count', (request) => {
          const state = (request.scope.app as App).state
          state.hits = ((state.hits as number) ?? 0) + 1
          request.state.seen = true
          return new PlainTextResponse(String(state.hits))
        }),
      ],
    })
    await get(app, '/count')
    expect((await get(app, '/count')).text).toBe('2')
    expect(app.state).toEqual({ hits: 2 })
  })

  test('urlPathFor and matches delegate to the router, mounted apps included', () => {
    const inner = new App({ routes: [new Route('/thing', () => new PlainTextResponse(''), { name: 'thing' })] })
    const app = new App({ routes: [new Mount('/inner', inner, { name: 'inner' }), new Mount('/router', new Router([]))] })
    expect(app.urlPathFor('inner:thing')).toBe('/inner/thing')
    expect(app.answersURL(new URL('https://x.test/inner/thing'), 'GET')).toBe(true)
    expect(app.answersURL(new URL('https://x.test/inner/other'), 'GET')).toBe(false)
    expect(app.answersURL(new URL('https://x.test/router/x'), 'GET')).toBe(false)
  })

  test('a mounted App answers with its own handlers', async () => {
    const inner = new App({ routes, exceptionHandlers: [[403, () => new PlainTextResponse('inner says no', 403)]] })
    const outer = new App({ routes: [new Mount('/inner', inner)] })
    expect(await get(outer, '/inner/forbidden')).toMatchObject({ status: 403, text: 'inner says no' })
    expect(await get(outer, '/inner/nope')).toMatchObject({ status: 404, text: 'Not Found' })
  })
})
