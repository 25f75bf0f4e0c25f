// Cookies through the worker in every engine: the app's Set-Cookie, document.cookie and HttpOnly.
import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import type { Page } from './driver.js'
import { engines, ORIGIN, useEngine } from './harness.js'

/** The `cookie` header the app received on a fresh request. */
const cookieHeaderAtApp = (page: Page) => page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie as string | null)

const pairs = (cookies: string | null) => (cookies ? cookies.split('; ') : [])

/** A value no earlier test can have left in a jar. */
const fresh = () => randomUUID().slice(0, 8)

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
})
