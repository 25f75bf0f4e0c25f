// Cookies kept in sync through the page where the worker's Cookie Store keeps nothing (?deafcookies
// gives the worker such a store, as Firefox's default context has; the cross-engine suite runs the
// real Firefox and WebKit). Where the Cookie Store works, no page is asked anything.
import type { BrowserContext, ConsoleMessage, Page } from '@playwright/test'
import { openControlled, test, expect } from './fixtures.js'

const appCookie = () => fetch('/api/cookies/set?theme=dark&session=s3cret').then(() => document.cookie)
const atApp = () => fetch('/api/cookies/get').then(async (r) => (await r.json()).cookie as string | null)

/** The worker's console lines (development builds log through devLog). */
function workerConsole(context: BrowserContext): string[] {
  const lines: string[] = []
  context.on('serviceworker', (worker) => worker.on('console', (message: ConsoleMessage) => lines.push(message.text())))
  return lines
}

const WARNING = /Cookie Store API does not reach its cookie jar/

/** The warnings the page's worker logged so far (the test worker keeps them: it may log before Playwright listens). */
const workerWarnings = (page: Page) => page.evaluate(async () => (await (await fetch('/api/observed')).json()).warnings as string[])

test('a development build warns once that the cookies go through the pages, and only where they do', async ({ page, context }) => {
  await openControlled(page, '?deafcookies')
  await page.evaluate(() => Promise.all([fetch('/api/cookies/get'), fetch('/api/cookies/get')]))
  await expect.poll(async () => (await workerWarnings(page)).filter((line) => WARNING.test(line)), { timeout: 10_000 }).toHaveLength(1)
  const other = await context.browser()!.newContext()
  const lines2 = workerConsole(other)
  const page2 = await other.newPage()
  await openControlled(page2)
  await page2.evaluate(() => fetch('/api/cookies/get'))
  await expect.poll(() => lines2.filter((line) => line.includes('/api/cookies/get')), { timeout: 10_000 }).toHaveLength(1)
  expect((await workerWarnings(page2)).filter((line) => WARNING.test(line))).toEqual([])
  await other.close()
})

test.describe('through the page', () => {
  test.beforeEach(async ({ page }) => openControlled(page, '?deafcookies'))

  test("the app's non-HttpOnly cookie is in document.cookie as soon as fetch resolves; the HttpOnly one never", async ({ page }) => {
    expect(await page.evaluate(appCookie)).toBe('theme=dark')
    expect(await page.evaluate(atApp)).toBe('theme=dark; session=s3cret')
    expect((await page.context().cookies()).map((c) => c.name)).toEqual(['theme'])
  })

  test('a cookie the page set reaches the app, and so does a change to an app cookie', async ({ page }) => {
    await page.evaluate(appCookie)
    await page.evaluate(() => void (document.cookie = 'fromPage=1; path=/'))
    await page.evaluate(() => void (document.cookie = 'theme=light; path=/'))
    expect(await page.evaluate(atApp)).toBe('theme=light; session=s3cret; fromPage=1')
  })

  test("a navigation's cookie is in document.cookie once the next page's register() resolves", async ({ page }) => {
    await page.goto('/api/cookies/set?theme=navigated')
    expect(await page.evaluate(() => document.cookie)).toBe('')
    await openControlled(page, '?deafcookies')
    expect(await page.evaluate(() => document.cookie)).toBe('theme=navigated')
  })

  test('the app deleting a cookie deletes it from document.cookie', async ({ page }) => {
    expect(await page.evaluate(appCookie)).toBe('theme=dark')
    expect(await page.evaluate(() => fetch('/api/cookies/delete').then(() => document.cookie))).toBe('')
    expect(await page.evaluate(atApp)).toBeNull()
  })

  test('a stopped worker still asks the page (it keeps the pages it knows)', async ({ page, context }) => {
    await page.evaluate(() => void (document.cookie = 'fromPage=2; path=/'))
    // The next request starts a new worker instance, which must still know this page.
    const cdp = await context.newCDPSession(page)
    await cdp.send('ServiceWorker.enable')
    await cdp.send('ServiceWorker.stopAllWorkers')
    expect(await page.evaluate(atApp)).toBe('fromPage=2')
  })
})

test('where the Cookie Store works, no page is asked for cookies', async ({ controlled: page }) => {
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { seen: string[] }).seen = [])
    navigator.serviceWorker.addEventListener('message', (event) => seen.push(String(event.data?.type)))
  })
  await page.evaluate(() => void (document.cookie = 'fromPage=1; path=/'))
  expect(await page.evaluate(appCookie)).toContain('theme=dark')
  expect(await page.evaluate(atApp)).toContain('fromPage=1')
  expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([])
})

test('a restarted worker keeps a working Cookie Store: no page is asked after any of six restarts', async ({ controlled: page, context }) => {
  // Chromium gave a restarted worker that touched cookieStore while its script ran a dead one
  // (reads [], writes refused) in about two starts of three; the pages then had to stand in.
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { seen: string[] }).seen = [])
    navigator.serviceWorker.addEventListener('message', (event) => seen.push(String(event.data?.type)))
  })
  const cdp = await context.newCDPSession(page)
  const status = new Map<string, string>()
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) status.set(version.versionId, version.runningStatus)
  })
  await cdp.send('ServiceWorker.enable')
  for (let start = 1; start <= 6; start++) {
    await cdp.send('ServiceWorker.stopAllWorkers')
    await expect.poll(() => [...status.values()].every((running) => running === 'stopped')).toBe(true)
    await page.evaluate((n) => void (document.cookie = `fromPage=${n}; path=/`), start)
    expect(await page.evaluate((n) => fetch(`/api/cookies/set?theme=t${n}`).then(() => document.cookie), start)).toContain(`theme=t${start}`)
    expect(await page.evaluate(atApp)).toContain(`fromPage=${start}`)
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen), `after restart ${start}`).toEqual([])
  }
})
