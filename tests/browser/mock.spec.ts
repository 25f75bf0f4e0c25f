// Mocking the way MSW users expect it (issue 17), in a real worker: overrides, scenarios, delays,
// network errors, cut streams, unhandled requests and request events.
import { test, expect } from '../../src/playwright/index.js'
import type { Page } from '@playwright/test'
import { fetchOutcome, readBody } from './in-page.js'

const MOCKED = '/index.html?mock'

/** The page's fetch of `path`: status and text, or the error's name and message. */
const fetchText = (page: Page, path: string) => page.evaluate(fetchOutcome, path)

test.describe('overrides from the Playwright fixture', () => {
  test('an override replaces one endpoint for this test', async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    expect(await fetchText(page, '/api/plain')).toEqual({ status: 200, text: 'Hello, world!' })
    expect(await swasgi.use({ method: 'GET', path: '/api/plain', status: 418, text: 'overridden' })).toMatchObject({ overrides: 1 })
    expect(await fetchText(page, '/api/plain')).toEqual({ status: 418, text: 'overridden' })
    expect(await fetchText(page, '/api/echo?id=1')).toMatchObject({ status: 200 })
  })

  // A later test (or one running alongside in its own context) sees the original.
  test('the next test sees the original endpoint', async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    expect(await fetchText(page, '/api/plain')).toEqual({ status: 200, text: 'Hello, world!' })
  })

  test('two contexts of the same origin never see each other’s overrides', async ({ browser, baseURL }) => {
    const contexts = await Promise.all([browser.newContext({ baseURL }), browser.newContext({ baseURL })])
    try {
      const [a, b] = await Promise.all(contexts.map((context) => context.newPage()))
      for (const page of [a, b]) {
        await page.goto(MOCKED)
        expect(await page.evaluate(() => window.swReady)).not.toMatch(/^error/)
      }
      await a.evaluate(() => window.swasgi.useOverrides({ path: '/api/plain', text: 'only in A' }))
      await b.evaluate(() => window.swasgi.useOverrides({ path: '/api/plain', text: 'only in B' }))
      expect(await fetchText(a, '/api/plain')).toEqual({ status: 200, text: 'only in A' })
      expect(await fetchText(b, '/api/plain')).toEqual({ status: 200, text: 'only in B' })
      await a.evaluate(() => window.swasgi.resetOverrides())
      expect(await fetchText(a, '/api/plain')).toEqual({ status: 200, text: 'Hello, world!' })
      expect(await fetchText(b, '/api/plain')).toEqual({ status: 200, text: 'only in B' })
    } finally {
      await Promise.all(contexts.map((context) => context.close()))
    }
  })

  test('an app without the mock layer says so', async ({ page, swasgi }) => {
    await swasgi.open('/index.html')
    await expect(swasgi.use({ path: '/api/plain', text: 'x' })).rejects.toThrow(/wrap it with mock\(\) from swasgi\/mock/)
    expect(await page.evaluate(() => window.swasgi.useOverrides({ path: 'no-slash' }).catch((error: Error) => error.message))).toMatch(/wrap it with mock/)
  })

  test('a bad override from the page is refused with the field named', async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    expect(await page.evaluate(() => window.swasgi.useOverrides({ path: '/x', status: 700 }).catch((error: Error) => error.message))).toMatch(/status must be an integer from 200 to 599/)
  })
})

test.describe('scenarios', () => {
  test('a switch from the page changes the answers until reset, across a worker restart', async ({ page, swasgi, context }) => {
    await swasgi.open(MOCKED)
    expect(await page.evaluate(() => window.swasgi.useScenario('down'))).toEqual({ scenario: 'down', scenarios: ['empty', 'down'], overrides: 0 })
    expect(await fetchText(page, '/api/plain')).toEqual({ status: 503, text: 'the server is down' })
    // Stop the worker: the next fetch starts a new one, which reads the scenario back from IndexedDB.
    const cdp = await context.newCDPSession(page)
    await cdp.send('ServiceWorker.enable')
    await cdp.send('ServiceWorker.stopAllWorkers')
    expect(await fetchText(page, '/api/echo?id=2')).toEqual({ status: 503, text: 'the server is down' })
    expect(await page.evaluate(() => window.swasgi.mockState())).toMatchObject({ scenario: 'down' })
    await page.evaluate(() => window.swasgi.resetOverrides())
    expect(await fetchText(page, '/api/plain')).toEqual({ status: 200, text: 'Hello, world!' })
  })

  test('the ?scenario= query flag and the fixture switch scenarios too', async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    await page.evaluate(() => history.replaceState(null, '', '?mock&scenario=empty'))
    expect(await page.evaluate(() => window.swasgi.scenarioFromURL())).toBe('empty')
    expect(JSON.parse((await fetchText(page, '/api/echo')).text!)).toEqual({ id: null, scenario: 'empty' })
    await swasgi.useScenario('down')
    expect((await fetchText(page, '/api/echo')).status).toBe(503)
    await expect(swasgi.useScenario('slow')).rejects.toThrow('no scenario named "slow" (known: "empty", "down")')
  })
})

test.describe('delays, network errors, cut streams', () => {
  test('delay(300) delays by about that much', async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    await swasgi.use({ path: '/api/slow', delay: 300, text: 'late' })
    const took = await page.evaluate(async () => {
      const started = performance.now()
      await (await fetch('/api/slow')).text()
      return performance.now() - started
    })
    expect(took).toBeGreaterThanOrEqual(290)
    expect(took).toBeLessThan(2000)
  })

  test("delay('infinite') never answers until the page aborts, and the app's finally runs", async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    await swasgi.use({ path: '/api/never', delay: 'infinite', text: 'never' })
    for (const path of ['/api/never', '/api/forever']) {
      const result = await page.evaluate(async (path) => {
        const controller = new AbortController()
        let settled = false
        const pending = fetch(path, { signal: controller.signal }).finally(() => (settled = true))
        await new Promise((resolve) => setTimeout(resolve, 800))
        const before = settled
        controller.abort()
        const error = await pending.then(() => 'answered', (error: Error) => error.name)
        return { before, error }
      }, path)
      expect(result).toEqual({ before: false, error: 'AbortError' })
    }
    // The worker hears of the abort from the fixture (Chromium never tells it): the handler's finally ran.
    await expect.poll(async () => JSON.parse((await fetchText(page, '/api/observed')).text!).foreverFinally).toBe(true)
  })

  test('a network-error override makes fetch reject with a TypeError', async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    await swasgi.use({ path: '/api/plain', error: true })
    expect(await fetchText(page, '/api/plain')).toEqual({ error: expect.stringMatching(/^TypeError: /) })
  })

  test("a cut stream makes the page's reader throw after the first bytes", async ({ page, swasgi }) => {
    await swasgi.open(MOCKED)
    await swasgi.use({ path: '/api/cut', text: 'x'.repeat(1000), cutAfter: 100 })
    const seen = await page.evaluate(readBody, '/api/cut')
    expect(seen.error).toBe('TypeError')
    expect(seen.bytes).toBeLessThanOrEqual(100)
  })
})

test.describe('onUnhandledRequest', () => {
  /** Opens the mocked page with a strategy and collects the page's console lines. */
  async function openWith(page: Page, swasgi: { open(url: string): Promise<void> }, strategy: string): Promise<string[]> {
    const lines: string[] = []
    await swasgi.open(`${MOCKED}&unhandled=${strategy}`)
    page.context().on('console', (message) => lines.push(`${message.type()}: ${message.text()}`))
    return lines
  }

  test("'bypass' (the default) lets unhandled requests through silently", async ({ page, swasgi }) => {
    const lines = await openWith(page, swasgi, 'bypass')
    expect(await fetchText(page, '/network/x')).toEqual({ status: 200, text: 'from the network: /network/x' })
    expect(lines.filter((line) => line.includes('unhandled'))).toEqual([])
  })

  test("'warn' lets it through with a warning naming the request and the closest route", async ({ page, swasgi }) => {
    const lines = await openWith(page, swasgi, 'warn')
    expect(await fetchText(page, '/network/x')).toEqual({ status: 200, text: 'from the network: /network/x' })
    await expect.poll(() => lines.find((line) => line.includes('unhandled request'))).toMatch(/^warning: swasgi: unhandled request GET http:\/\/127\.0\.0\.1:\d+\/network\/x/)
  })

  test("'error' answers a clear 501 and logs an error; documents and scripts never count", async ({ page, swasgi }) => {
    const lines = await openWith(page, swasgi, 'error')
    const answer = await fetchText(page, '/network/x')
    expect(answer.status).toBe(501)
    expect(answer.text).toMatch(/^swasgi: unhandled request GET http:\/\/127\.0\.0\.1:\d+\/network\/x: no route of the app answers it$/)
    await expect.poll(() => lines.find((line) => line.includes('unhandled request'))).toMatch(/^error: swasgi: unhandled request GET/)
    // A navigation to an unmatched page still loads from the network.
    await page.goto('/network/a-page')
    expect(await page.textContent('body')).toBe('from the network: /network/a-page')
  })

  test('a function answers what it returns a Response for; the rest goes to the network', async ({ page, swasgi }) => {
    await openWith(page, swasgi, 'fn')
    expect(await fetchText(page, '/network/answer-me')).toEqual({ status: 200, text: 'answered by the function: GET' })
    expect(await fetchText(page, '/network/x')).toEqual({ status: 200, text: 'from the network: /network/x' })
  })
})

test.describe('request events', () => {
  test('arrive on the page, in the fixture and in the worker, with real durations', async ({ page, swasgi }) => {
    await swasgi.open(`${MOCKED}&events&unhandled=bypass`)
    await swasgi.use({ path: '/api/slow', delay: 200, text: 'late' })
    await page.evaluate(() => {
      const seen: unknown[] = ((window as unknown as { seen: unknown[] }).seen = [])
      window.swasgi.onRequestEvent('*', (event) => seen.push(event))
    })
    await page.evaluate(() => window.swasgi.mockState()) // the subscription has reached the worker
    await fetchText(page, '/api/slow')
    await fetchText(page, '/api/error')
    await fetchText(page, '/network/y')
    const expected = [
      { type: 'request:start', method: 'GET', url: expect.stringMatching(/\/api\/slow$/) },
      { type: 'request:end', status: 200, ms: expect.any(Number) },
      { type: 'request:start', url: expect.stringMatching(/\/api\/error$/) },
      { type: 'request:error', error: 'deliberate failure in the app' },
      { type: 'request:end', status: 500 },
      { type: 'request:unhandled', url: expect.stringMatching(/\/network\/y$/) },
    ]
    const onPage = () => page.evaluate(() => (window as unknown as { seen: { type: string }[] }).seen)
    await expect.poll(async () => (await onPage()).length).toBeGreaterThanOrEqual(expected.length)
    for (const list of [await onPage(), swasgi.events]) {
      const relevant = list.filter((event) => !/\/api\/observed|\/sw\.js/.test((event as unknown as { url: string }).url))
      expect(relevant).toMatchObject(expected)
      const slowEnd = relevant[1] as unknown as { ms: number }
      expect(slowEnd.ms).toBeGreaterThanOrEqual(190)
    }
    const inWorker = JSON.parse((await fetchText(page, '/api/observed')).text!).events as { type: string; ms?: number }[]
    expect(inWorker.filter((event) => event.type === 'request:end')[0].ms).toBeGreaterThanOrEqual(190)
    // The fixture's log times the whole exchange too (it was always 0 before).
    await expect.poll(() => swasgi.log.find((entry) => entry.url.endsWith('/api/slow'))?.ms ?? -1).toBeGreaterThanOrEqual(190)
  })
})
