import { openControlled, test, expect } from './fixtures.js'
import { readGatedStream } from './in-page.js'

test.describe('responses through the real service worker', () => {
  test('every in-memory response class: status, headers, body', async ({ controlled: page }) => {
    const seen = await page.evaluate(async () => {
      const read = async (path: string) => {
        const r = await fetch(path)
        return { status: r.status, type: r.headers.get('content-type'), length: r.headers.get('content-length'), body: [...new Uint8Array(await r.arrayBuffer())] }
      }
      return {
        json: await read('/api/echo?id=7'),
        plain: await read('/api/plain'),
        bytes: await read('/api/bytes'),
        ujson: await read('/api/ujson'),
        fromSW: (await fetch('/api/plain')).headers.get('x-a'),
      }
    })
    const text = (bytes: number[]) => new TextDecoder().decode(new Uint8Array(bytes))
    expect(seen.json.status).toBe(200)
    expect(seen.json.type).toBe('application/json')
    expect(JSON.parse(text(seen.json.body))).toEqual({ id: '7', method: 'GET', path: '/api/echo' })
    expect(seen.plain).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', length: '13' })
    expect(text(seen.plain.body)).toBe('Hello, world!')
    expect(seen.fromSW).toBe('1')
    expect(seen.bytes.body).toEqual([0, 1, 2, 254, 255])
    expect(text(seen.ujson.body)).toBe('{"path":"\\/a\\/b","nan":NaN}')
  })

  test('the page knows the worker answered', async ({ controlled: page }) => {
    const [response] = await Promise.all([page.waitForResponse('**/api/plain'), page.evaluate(() => fetch('/api/plain'))])
    expect(response.fromServiceWorker()).toBe(true)
  })

  test('duplicate headers reach the page joined', async ({ controlled: page }) => {
    expect(await page.evaluate(async () => (await fetch('/api/duplicate-headers')).headers.get('x-dup'))).toBe('one, two')
  })

  test('null-body statuses and HEAD', async ({ controlled: page }) => {
    const seen = await page.evaluate(async () => ({
      noContent: await fetch('/api/status?code=204&body').then(async (r) => [r.status, await r.text()]),
      head: await fetch('/api/plain', { method: 'HEAD' }).then(async (r) => [r.status, r.headers.get('content-length'), await r.text()]),
    }))
    expect(seen.noContent).toEqual([204, ''])
    expect(seen.head).toEqual([200, '13', ''])
  })

  test('RedirectResponse is followed by fetch, or handed over with redirect: manual', async ({ controlled: page }) => {
    const seen = await page.evaluate(async () => {
      const followed = await fetch('/api/redirect')
      const manual = await fetch('/api/redirect', { redirect: 'manual' })
      return { redirected: followed.redirected, url: followed.url, body: await followed.json(), manualType: manual.type }
    })
    expect(seen.redirected).toBe(true)
    expect(seen.url).toMatch(/\/api\/echo\?id=redirected$/)
    expect(seen.body.id).toBe('redirected')
    expect(seen.manualType).toBe('opaqueredirect')
  })

  test('a login that sets a cookie and answers 303: the cookie reaches the jar, fetch and form posts follow', async ({ controlled: page }) => {
    const fetched = await page.evaluate(async () => {
      const response = await fetch('/api/login', { method: 'POST', body: 'user=ada' })
      return { redirected: response.redirected, url: new URL(response.url).pathname, body: await response.json() }
    })
    expect(fetched).toEqual({ redirected: true, url: '/api/cookies/get', body: { cookie: 'login=yes' } })
    await page.setContent('<form method="post" action="/api/login"><button>Log in</button></form>')
    await Promise.all([page.waitForURL('**/api/cookies/get'), page.getByRole('button').click()])
    expect(await page.textContent('body')).toContain('login=yes')
  })

  test('navigations are answered by the worker', async ({ controlled: page }) => {
    await page.goto('/page')
    await expect(page.locator('#title')).toHaveText('Answered by the worker at /page')
  })
})

test.describe('streaming', () => {
  test('chunks arrive one by one while the generator is still running', async ({ controlled: page }) => {
    // The worker makes each chunk only after the page has read the one before (see readGatedStream).
    const chunks = await page.evaluate(readGatedStream, 3)
    expect(chunks.map((c) => c.split(':')[0])).toEqual(['0', '1', '2'])
  })

  test("cancelling the page's reader runs the generator's finally in the worker", async ({ controlled: page }) => {
    const finallyRan = await page.evaluate(async () => {
      const reader = (await fetch('/api/stream?n=1000&delay=50')).body!.getReader()
      await reader.read()
      await reader.cancel()
      for (let i = 0; i < 50; i++) {
        const { streamFinally } = await (await fetch('/api/observed')).json()
        if (streamFinally) return true
        await new Promise((r) => setTimeout(r, 100))
      }
      return false
    })
    expect(finallyRan).toBe(true)
  })

  test('a request body streamed from the page arrives chunk by chunk', async ({ controlled: page }) => {
    const sizes = await page.evaluate(async () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (const size of [1000, 2000, 3000]) {
            controller.enqueue(new Uint8Array(size))
            await new Promise((r) => setTimeout(r, 100))
          }
          controller.close()
        },
      })
      const response = await fetch('/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit)
      return (await response.json()).sizes as number[]
    })
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(1)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(6000)
    expect(sizes.at(-1)).toBe(0)
  })
})

test.describe('cookies', () => {
  test('set by one response, sent on the next, visible in document.cookie unless HttpOnly, deleted', async ({ controlled: page }) => {
    await page.evaluate(() => fetch('/api/cookies/set?theme=dark'))
    const sent = await page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie as string)
    expect(sent.split('; ').sort()).toEqual(['session=secret-token', 'theme=dark'])
    expect(await page.evaluate(() => document.cookie)).toBe('theme=dark')
    await page.evaluate(() => fetch('/api/cookies/delete'))
    // No cookie left: the app gets no cookie header at all.
    expect(await page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie)).toBeNull()
    expect(await page.evaluate(() => document.cookie)).toBe('')
  })

  test('cookies the page sets itself reach the app', async ({ controlled: page }) => {
    await page.evaluate(() => (document.cookie = 'fromPage=1; path=/'))
    expect(await page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie)).toContain('fromPage=1')
  })

  test('the jar survives a worker restart', async ({ controlled: page, context }) => {
    await page.evaluate(() => fetch('/api/cookies/set?theme=light'))
    const cdp = await context.newCDPSession(page)
    await cdp.send('ServiceWorker.enable')
    await cdp.send('ServiceWorker.stopAllWorkers')
    const sent = await page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie as string)
    expect(sent).toContain('session=secret-token')
    expect(sent).toContain('theme=light')
  })
})

test.describe('errors, matching and offline', () => {
  test('an app exception is a 500; with debug the page shows the error', async ({ controlled: page, browser }) => {
    const plain = await page.evaluate(async () => {
      const r = await fetch('/api/error')
      return [r.status, await r.text()]
    })
    expect(plain).toEqual([500, 'Internal Server Error'])
    const context = await browser.newContext()
    const debugPage = await context.newPage()
    await openControlled(debugPage, '?debug')
    await debugPage.goto('/api/error')
    await expect(debugPage.locator('h2')).toContainText('Error: deliberate failure in the app')
    await context.close()
  })

  test('unmatched and cross-origin requests never reach the app', async ({ controlled: page }) => {
    const seen = await page.evaluate(async () => {
      const other = location.origin.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`)
      return {
        unmatched: await (await fetch('/network/hello')).text(),
        crossOrigin: await (await fetch(`${other}/api/echo?id=1`)).text(),
      }
    })
    expect(seen.unmatched).toBe('from the network: /network/hello')
    expect(seen.crossOrigin).toBe('not found')
  })

  test('offline: the app answers navigations and fetches; unmatched requests fail', async ({ controlled: page, context }) => {
    await context.setOffline(true)
    await page.goto('/page')
    await expect(page.locator('#title')).toHaveText('Answered by the worker at /page')
    expect(await page.evaluate(async () => (await (await fetch('/api/echo?id=off')).json()).id)).toBe('off')
    expect(await page.evaluate(() => fetch('/network/x').then(() => 'answered', () => 'network error'))).toBe('network error')
    await context.setOffline(false)
  })

  test('2,000 concurrent fetches each get their own answer', async ({ controlled: page }) => {
    const mismatches = await page.evaluate(async () => {
      const ids = Array.from({ length: 2000 }, (_, i) => String(i))
      const answers = await Promise.all(ids.map((id) => fetch(`/api/echo?id=${id}`).then((r) => r.json())))
      return answers.filter((answer, i) => answer.id !== ids[i]).length
    })
    expect(mismatches).toBe(0)
  })
})

test.describe('registration and routing', () => {
  test('register() recovers a page that a hard reload left uncontrolled', async ({ controlled: page, context }) => {
    const cdp = await context.newCDPSession(page)
    const loaded = page.waitForEvent('load')
    await cdp.send('Page.reload', { ignoreCache: true }) // what Shift+Reload does
    await loaded
    expect(await page.evaluate(() => window.initiallyControlled)).toBe(false)
    const scope = await page.evaluate(() => window.swReady)
    expect(scope).not.toMatch(/^error/)
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
    expect(await page.evaluate(async () => (await (await fetch('/api/echo?id=after-reload')).json()).id)).toBe('after-reload')
  })

  test('register() names the problem when the script is missing or not JavaScript', async ({ page }) => {
    await page.goto('/index.html?debug')
    const missing = await page.evaluate(() => window.register('/missing-sw.js', { scope: '/nowhere/' }).then(() => 'registered', (e: Error) => e.message))
    expect(missing).toMatch(/swasgi: the service worker script http:\/\/127\.0\.0\.1:\d+\/missing-sw\.js answered 404/)
    const html = await page.evaluate(() => window.register('/index.html', { scope: '/nowhere/' }).then(() => 'registered', (e: Error) => e.message))
    expect(html).toMatch(/is served as "text\/html", not JavaScript/)
  })

  test('with a string match, other requests never wake the worker (Static Routing API)', async ({ page }) => {
    await page.goto('/index.html?prefix')
    expect(await page.evaluate(() => window.swReady)).not.toMatch(/^error/)
    expect(await page.evaluate(async () => (await fetch('/network/direct')).text())).toBe('from the network: /network/direct')
    const events = await page.evaluate(async () => (await (await fetch('/api/observed')).json()).fetchEvents as string[])
    expect(events).toContain('/api/observed')
    expect(events).not.toContain('/network/direct')
  })
})
