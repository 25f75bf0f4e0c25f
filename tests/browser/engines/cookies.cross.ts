// Cookies through the worker in every engine: the app's Set-Cookie, document.cookie, HttpOnly, and
// SameSite as the worker's jar enforces it for pages of other sites.
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from './driver.js'
import { engines, ORIGIN, PORT, useEngine, waitForPage } from './harness.js'
import { openSecondScope } from '../in-page.js'
// @ts-expect-error a plain .mjs module, also Playwright's webServer
import { listen } from '../server.mjs'

// Loopback under another name is another site; another port of the same host is the same site.
const CROSS_SITE = `http://localhost:${PORT}`
const SAME_SITE_OTHER_ORIGIN = `http://127.0.0.1:${PORT + 1}`

/** The `cookie` header the app received on a fresh request. */
const cookieHeaderAtApp = (page: Page) => page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie as string | null)

const pairs = (cookies: string | null) => (cookies ? cookies.split('; ') : [])

/** A value no earlier test can have left in a jar. */
const fresh = () => randomUUID().slice(0, 8)

/** Waits for the page to show /api/cookies/get (a navigation the page started) and gives the cookies the app got, sorted. */
async function shownCookies(page: Page): Promise<string[]> {
  const shown = await waitForPage(
    page,
    (url) => (location.href === url && document.body?.textContent ? (JSON.parse(document.body.textContent).cookie as string | null) : null),
    { arg: `${ORIGIN}/api/cookies/get` },
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}; the page is at ${await page.evaluate(() => location.href).catch(() => '?')}`)
  })
  return pairs(shown).sort()
}

// The second origin (same site, other port) for a form from another port.
let otherOrigin: Server | undefined
beforeAll(async () => {
  otherOrigin = (await listen(PORT + 1)) as Server
})
afterAll(async () => {
  otherOrigin?.closeAllConnections()
  await new Promise((resolve) => otherOrigin?.close(resolve) ?? resolve(undefined))
})

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine)

  test('a cookie the app sets without HttpOnly is visible in document.cookie', async () => {
    const page = await browser.controlledPage()
    const theme = fresh()
    await page.evaluate((theme) => fetch(`/api/cookies/set?theme=${theme}`).then((r) => r.text()), theme)
    // Mirroring into the browser's jar may finish just after the response.
    let seen = await page.cookie()
    for (let i = 0; i < 20 && !pairs(seen).includes(`theme=${theme}`); i++) {
      await new Promise((r) => setTimeout(r, 100))
      seen = await page.cookie()
    }
    expect(pairs(seen)).toContain(`theme=${theme}`)
  })

  test('it is there as soon as fetch resolves, and after a navigation once the next page has registered', async () => {
    const page = await browser.controlledPage()
    const theme = fresh()
    expect(pairs(await page.evaluate((theme) => fetch(`/api/cookies/set?theme=${theme}`).then(() => document.cookie), theme))).toContain(`theme=${theme}`)
    const navigated = fresh()
    await page.goto(`${ORIGIN}/api/cookies/set?theme=${navigated}`)
    await page.goto(`${ORIGIN}/index.html`)
    await page.evaluate(() => (window as unknown as { swReady: Promise<string> }).swReady)
    expect(pairs(await page.cookie())).toContain(`theme=${navigated}`)
  })

  test('a cookie the page sets (document.cookie = …) reaches the app', async () => {
    const page = await browser.controlledPage()
    const value = fresh()
    await page.evaluate((value) => void (document.cookie = `fromPage=${value}; path=/`), value)
    expect(pairs(await page.cookie()), 'the browser kept the cookie').toContain(`fromPage=${value}`)
    expect(pairs(await cookieHeaderAtApp(page))).toContain(`fromPage=${value}`)
  })

  test('an HttpOnly cookie goes back to the app but never to page scripts', async () => {
    const page = await browser.controlledPage()
    const session = fresh()
    await page.evaluate((session) => fetch(`/api/cookies/set?session=${session}`).then((r) => r.text()), session)
    expect(pairs(await cookieHeaderAtApp(page))).toContain(`session=${session}`)
    expect(await page.cookie()).not.toContain('session')
    const inCookieStore = await page.evaluate(async () => {
      const store = (globalThis as { cookieStore?: { getAll(): Promise<{ name: string }[]> } }).cookieStore
      return store ? (await store.getAll()).map((c) => c.name) : []
    })
    expect(inCookieStore).not.toContain('session')
  })

  describe('SameSite', () => {
    const ALL = ['lax=1', 'none=1', 'session=1', 'strict=1']

    /** A controlled page whose worker jar holds one cookie of each SameSite (session is HttpOnly and Lax). */
    async function withSameSiteCookies(): Promise<Page> {
      const page = await browser.controlledPage()
      await page.evaluate(() => fetch('/api/cookies/samesite').then((r) => r.text()))
      return page
    }

    test('same-site requests carry every cookie: fetch, navigation, a form POST from another port', async () => {
      const page = await withSameSiteCookies()
      expect(pairs(await cookieHeaderAtApp(page)).sort()).toEqual(ALL)
      await page.evaluate(() => void setTimeout(() => (location.href = '/api/cookies/get')))
      expect(await shownCookies(page)).toEqual(ALL)
      await page.goto(`${SAME_SITE_OTHER_ORIGIN}/cross-site/post.html?to=${ORIGIN}/api/cookies/get`)
      expect(await shownCookies(page)).toEqual(ALL)
    })

    test('a cross-site page auto-submitting a form POST: only the None cookie, not even the HttpOnly Lax session', async () => {
      const page = await withSameSiteCookies()
      await page.goto(`${CROSS_SITE}/cross-site/post.html?to=${ORIGIN}/api/cookies/get`)
      expect(await shownCookies(page)).toEqual(['none=1'])
    })

    test('a cross-site link: Lax and None cookies, not Strict; back on the app, fetches carry all', async () => {
      const page = await withSameSiteCookies()
      await page.goto(`${CROSS_SITE}/cross-site/link.html?to=${ORIGIN}/api/cookies/get`)
      await page.evaluate(() => void setTimeout(() => document.getElementById('go')!.click()))
      expect(await shownCookies(page)).toEqual(['lax=1', 'none=1', 'session=1'])
      expect(pairs(await cookieHeaderAtApp(page)).sort()).toEqual(ALL)
    })
  })
})

describe.each(engines)("%s: a request's credentials mode", (engine) => {
  const browser = useEngine(engine)

  test("credentials: 'omit' sends none of the jar's cookies, and its response's Set-Cookie is not kept", async () => {
    const page = await browser.controlledPage()
    const seen = await page.evaluate(async () => {
      const cookieOf = async (init?: RequestInit) => ((await (await fetch('/api/cookies/get', init)).json()) as { cookie: string | null }).cookie
      await fetch('/api/cookies/one?name=session&value=kept')
      const included = await cookieOf()
      const omitted = await cookieOf({ credentials: 'omit' })
      await fetch('/api/cookies/one?name=planted&value=x', { credentials: 'omit' })
      return { included, omitted, after: await cookieOf() }
    })
    expect(seen, JSON.stringify(seen)).toEqual({ included: 'session=kept', omitted: null, after: 'session=kept' })
  })
})

describe.each(engines)('%s: one jar for every worker of the origin', (engine) => {
  const browser = useEngine(engine)

  test("a second scope's worker sends what the first set, and neither's write undoes the other's", async () => {
    const page = await browser.controlledPage()
    // The same script for another scope, in a frame: two workers at once, one cookie database
    // (/api/cookies/one's cookies are SameSite=None, which a frame's requests carry).
    const otherScope = await page.evaluate(openSecondScope)
    expect(otherScope).toBe(`${ORIGIN}/other/`)
    /** Fetches `path` from the page ('page', the first worker's) or from the frame ('other', the second's); the app's answer. */
    const from = (where: 'page' | 'other', path: string) =>
      page.evaluate(async ([where, path]) => {
        const global = where === 'page' ? window : (document.getElementById('other') as HTMLIFrameElement).contentWindow!
        return (await global.fetch(path)).text()
      }, [where, path])
    const cookiesAt = async (where: 'page' | 'other') => pairs(JSON.parse(await from(where, '/api/cookies/get')).cookie).sort()
    // Both workers have read the jar before either writes.
    expect(await cookiesAt('other')).toEqual([])
    expect(await cookiesAt('page')).toEqual([])

    const login = fresh()
    await from('page', `/api/cookies/one?name=session&value=${login}`)
    await expect.poll(() => cookiesAt('other')).toEqual([`session=${login}`])
    await from('other', '/api/cookies/one?name=theme&value=b')
    await expect.poll(() => cookiesAt('page')).toEqual([`session=${login}`, 'theme=b'])

    // A logout through one worker holds through the other's next write.
    await from('page', '/api/cookies/one?name=session&delete')
    await expect.poll(() => cookiesAt('other')).toEqual(['theme=b'])
    await from('other', '/api/cookies/one?name=lang&value=fr')
    await expect.poll(() => cookiesAt('page')).toEqual(['lang=fr', 'theme=b'])
  })
})
