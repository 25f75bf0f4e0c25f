// Cookie security through the real worker (issue 15): SameSite, cookies a browser would refuse or
// could not send, cookies of other origins, and the browser's limits.
import type { Page } from '@playwright/test'
import { openControlled, test, expect } from './fixtures.js'

const port = Number(process.env.TEST_PORT ?? 4179)
const app = `http://127.0.0.1:${port}`
// Loopback under another name is another site; another port of the same host is the same site.
const crossSite = `http://localhost:${port}`
const sameSiteOtherOrigin = `http://127.0.0.1:${port + 1}`

/** The `cookie` header the app received, as a sorted list. */
const cookieList = (header: string | null) => (header ?? '').split('; ').filter(Boolean).sort()

/** The cookie header the page it navigated to shows (/api/cookies/get answers JSON). */
async function shownCookies(page: Page): Promise<string[]> {
  await page.waitForURL(`${app}/api/cookies/get`)
  return cookieList(JSON.parse(await page.locator('body').innerText()).cookie)
}

async function fetchedCookies(page: Page): Promise<string[]> {
  return cookieList(await page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie))
}

test.describe('SameSite', () => {
  const ALL = ['lax=1', 'none=1', 'session=1', 'strict=1']

  test.beforeEach(async ({ controlled: page }) => {
    await page.evaluate(() => fetch('/api/cookies/samesite'))
  })

  test('same-site requests carry every cookie: fetch, navigation, a form from another port', async ({ controlled: page }) => {
    expect(await fetchedCookies(page)).toEqual(ALL)
    await page.evaluate(() => (location.href = '/api/cookies/get'))
    expect(await shownCookies(page)).toEqual(ALL)
    await page.goto(`${sameSiteOtherOrigin}/cross-site/post.html?to=${app}/api/cookies/get`)
    expect(await shownCookies(page)).toEqual(ALL)
  })

  test('a cross-site page auto-submitting a form POST: not even the HttpOnly Lax session', async ({ controlled: page }) => {
    await page.goto(`${crossSite}/cross-site/post.html?to=${app}/api/cookies/get`)
    expect(await shownCookies(page)).toEqual(['none=1'])
  })

  test('a cross-site link: Lax and None cookies, not Strict', async ({ controlled: page }) => {
    await page.goto(`${crossSite}/cross-site/link.html?to=${app}/api/cookies/get`)
    await page.click('#go')
    expect(await shownCookies(page)).toEqual(['lax=1', 'none=1', 'session=1'])
    // Back on the app's own page, its fetches are same-site again.
    expect(await fetchedCookies(page)).toEqual(ALL)
  })
})

test.describe('cookies that cannot be sent as they are', () => {
  test('a planted cookie above U+00FF goes as UTF-8 bytes and breaks no later request', async ({ controlled: page }) => {
    await page.evaluate(() => (document.cookie = 'planted=中文; path=/'))
    const header = await page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie as string)
    // The scope's header bytes, read back as UTF-8: what a real server would receive.
    expect(new TextDecoder().decode(Uint8Array.from(header, (c) => c.charCodeAt(0)))).toContain('planted=中文')
    expect(await page.evaluate(async () => (await fetch('/api/plain')).status)).toBe(200)
    await page.goto('/page')
    await expect(page.locator('#title')).toContainText('Answered by the worker')
  })
})

test.describe('cookies stay with their origin', () => {
  test("a request the app answers for another host gets none of the worker origin's cookies, and sets none there", async ({ page }) => {
    await openControlled(page, '?foreign')
    await page.evaluate(() => (document.cookie = 'workerOrigin=secret; path=/'))
    const observed = await page.evaluate(async (other) => {
      await fetch(`${other}/api/cookies/get`, { mode: 'no-cors' })
      return (await (await fetch('/api/observed')).json()).cookie
    }, crossSite)
    expect(observed).toBeNull()
    await page.evaluate((other) => fetch(`${other}/api/cookies/set`, { mode: 'no-cors' }), crossSite)
    expect(await page.evaluate(() => document.cookie)).toBe('workerOrigin=secret')
  })
})

test.describe("the browser's limits", () => {
  test('200 cookies for one domain: the app gets at most 180 back', async ({ controlled: page }) => {
    expect(await page.evaluate(async () => (await fetch('/api/cookies/many?n=200')).status)).toBe(200)
    const sent = await fetchedCookies(page)
    expect(sent.length).toBeGreaterThan(100)
    expect(sent.length).toBeLessThanOrEqual(180)
  })

  test('a cookie the browser refuses to mirror: the response is still 200 and the app still gets it', async ({ controlled: page }) => {
    expect(await page.evaluate(async () => (await fetch('/api/cookies/refused')).status)).toBe(200)
    expect(await fetchedCookies(page)).toContain('tab=1\t2')
  })
})

test.describe('one jar for every worker of the origin', () => {
  test("a second scope's worker sends what the first set, and neither's write undoes the other's", async ({ controlled: page, context }) => {
    // The same script registered for another scope: another worker, the same cookie database.
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.register(navigator.serviceWorker.controller!.scriptURL, { scope: '/other/' })
      const worker = (registration.installing ?? registration.waiting ?? registration.active)!
      if (worker.state !== 'activated') {
        await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()))
      }
    })
    const other = await context.newPage()
    await other.goto(`${app}/other/`)
    expect(await other.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope)).toBe(`${app}/other/`)
    const set = (on: Page, query: string) => on.evaluate(async (q) => (await fetch(`/api/cookies/one?${q}`)).status, query)
    // Both workers have read the jar before either writes.
    expect(await fetchedCookies(other)).toEqual([])
    expect(await fetchedCookies(page)).toEqual([])

    expect(await set(page, 'name=session&value=LOGGED-IN')).toBe(200)
    await expect.poll(() => fetchedCookies(other)).toEqual(['session=LOGGED-IN'])
    expect(await set(other, 'name=theme&value=b')).toBe(200)
    await expect.poll(() => fetchedCookies(page)).toEqual(['session=LOGGED-IN', 'theme=b'])

    // A logout through one worker holds through the other's next write.
    expect(await set(page, 'name=session&delete')).toBe(200)
    await expect.poll(() => fetchedCookies(other)).toEqual(['theme=b'])
    expect(await set(other, 'name=lang&value=fr')).toBe(200)
    await expect.poll(() => fetchedCookies(page)).toEqual(['lang=fr', 'theme=b'])
  })
})
