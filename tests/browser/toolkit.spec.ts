// The swasgi/playwright toolkit, used as a user would: the fixture against the app under test's
// worker, and routeASGI with no worker at all.
import { test, expect, routeASGI } from '../../src/playwright/index.js'
import { App, JSONResponse, PlainTextResponse, RedirectResponse, Route, type Request } from '../../src/index.js'

test.describe('the swasgi fixture', () => {
  test('opens a page, waits for control, logs answered requests, runs code in the worker', async ({ page, swasgi }) => {
    await swasgi.open('/network/plain-page', { script: '/sw.js' })
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
    await page.evaluate(async () => {
      await fetch('/api/echo?id=1')
      await fetch('/api/status?code=201&body')
    })
    expect(swasgi.log.map(({ method, url, status }) => [method, new URL(url).pathname, status])).toEqual([
      ['GET', '/api/echo', 200],
      ['GET', '/api/status', 201],
    ])
    await expect.poll(() => swasgi.log.every((entry) => entry.ms > 0)).toBe(true)
    expect(await swasgi.evaluate(() => typeof (globalThis as { clients?: unknown }).clients)).toBe('object')
  })
})

test.describe('routeASGI: an ASGI app behind Playwright routing, no worker', () => {
  const notes: { title: string }[] = []
  const api = new App({
    routes: [
      new Route('/mock/notes', () => new JSONResponse(notes)),
      new Route(
        '/mock/notes',
        async (request: Request) => {
          notes.push((await request.json()) as { title: string })
          const response = new JSONResponse({ count: notes.length }, 201)
          response.setCookie('last', 'created')
          return response
        },
        { methods: ['POST'], name: 'create' },
      ),
      new Route('/mock/fail', () => new PlainTextResponse('nope', 418)),
      new Route(
        '/mock/login',
        () => {
          const response = new RedirectResponse('/network/welcome', 303)
          response.setCookie('session', 'abc')
          return response
        },
        { methods: ['POST'] },
      ),
      new Route('/mock/whoami', (request: Request) => new PlainTextResponse(`session=${request.cookies.session ?? 'none'}`)),
    ],
  })

  test('answers matching requests with the app, bodies and real cookies included', async ({ page }) => {
    await routeASGI(page, '**/mock/**', api)
    await page.goto('/network/plain-page')
    const seen = await page.evaluate(async () => {
      const created = await fetch('/mock/notes', { method: 'POST', body: JSON.stringify({ title: 'hello' }), headers: { 'content-type': 'application/json' } })
      return {
        created: [created.status, await created.json()],
        list: await (await fetch('/mock/notes')).json(),
        teapot: (await fetch('/mock/fail')).status,
        cookie: document.cookie,
        untouched: await (await fetch('/network/x')).text(),
      }
    })
    expect(seen.created).toEqual([201, { count: 1 }])
    expect(seen.list).toEqual([{ title: 'hello' }])
    expect(seen.teapot).toBe(418)
    expect(seen.cookie).toBe('last=created')
    expect(seen.untouched).toBe('from the network: /network/x')
  })

  test('a login that sets a cookie and answers 303: the context keeps the cookie and follows the redirect', async ({ page, context }) => {
    await routeASGI(page, '**/mock/**', api)
    await page.goto('/network/plain-page')
    const seen = await page.evaluate(async () => {
      const response = await fetch('/mock/login', { method: 'POST', body: 'user=ada' })
      const landed = { redirected: response.redirected, url: new URL(response.url).pathname, text: await response.text() }
      return { landed, whoami: await (await fetch('/mock/whoami')).text() }
    })
    // Playwright routes only the first request of a redirect chain: the target comes from the network.
    expect(seen.landed).toEqual({ redirected: true, url: '/network/welcome', text: 'from the network: /network/welcome' })
    expect(seen.whoami).toBe('session=abc')
    expect((await context.cookies()).map(({ name, value }) => [name, value])).toContainEqual(['session', 'abc'])
  })
})
