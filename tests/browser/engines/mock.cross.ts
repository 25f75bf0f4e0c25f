// The mocking controls (swasgi/mock) in every engine, steered from the page (window.swasgi is
// swasgi/client): overrides, scenarios, delays, network errors, cut streams, unhandled requests and
// request events. The Playwright fixture is Chromium-only; tests/browser/mock.spec.ts covers it.
import { describe, expect, test } from 'vitest'
import type { Page } from './driver.js'
import { engines, ORIGIN, useEngine, waitForPage } from './harness.js'
import { fetchOutcome, openSecondScope, readBody } from '../in-page.js'

/** The page's fetch of `path`: status and text, or the error's name and message. */
const fetchText = (page: Page, path: string) => page.evaluate(fetchOutcome, path)

const HELLO = { status: 200, text: 'Hello, world!' }

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine)

  test('an override replaces one endpoint until a reset restores it; a bad one is refused with the field named', async () => {
    const page = await browser.controlledPage('?mock')
    expect(await fetchText(page, '/api/plain')).toEqual(HELLO)
    expect(await page.evaluate(() => window.swasgi.useOverrides({ method: 'GET', path: '/api/plain', status: 418, text: 'overridden' }))).toMatchObject({ overrides: 1 })
    expect(await fetchText(page, '/api/plain')).toEqual({ status: 418, text: 'overridden' })
    expect(await fetchText(page, '/api/echo?id=1')).toEqual({ status: 200, text: JSON.stringify({ id: '1', method: 'GET', path: '/api/echo' }) })
    expect(await page.evaluate(() => window.swasgi.resetOverrides())).toMatchObject({ overrides: 0 })
    expect(await fetchText(page, '/api/plain')).toEqual(HELLO)
    expect(await page.evaluate(() => window.swasgi.useOverrides({ path: '/x', status: 700 }).then(() => 'accepted', (error: Error) => error.message))).toMatch(/status must be an integer from 200 to 599/)
  })

  test('a scenario switch changes the answers until reset', async () => {
    const page = await browser.controlledPage('?mock')
    expect(await page.evaluate(() => window.swasgi.useScenario('down'))).toEqual({ scenario: 'down', scenarios: ['empty', 'down'], overrides: 0 })
    expect(await fetchText(page, '/api/plain')).toEqual({ status: 503, text: 'the server is down' })
    expect(await page.evaluate(() => window.swasgi.useScenario('empty'))).toMatchObject({ scenario: 'empty' })
    expect(await fetchText(page, '/api/echo')).toEqual({ status: 200, text: JSON.stringify({ id: null, scenario: 'empty' }) })
    expect(await fetchText(page, '/api/plain')).toEqual(HELLO)
    await page.evaluate(() => window.swasgi.resetOverrides())
    expect(await page.evaluate(() => window.swasgi.mockState())).toMatchObject({ scenario: null })
    expect(await fetchText(page, '/api/echo')).toEqual({ status: 200, text: JSON.stringify({ id: null, method: 'GET', path: '/api/echo' }) })
  })

  test("a scenario switched through one worker is followed by another running beside it (a second scope's, as a new version's would)", async () => {
    const page = await browser.controlledPage('?mock')
    expect(await page.evaluate(openSecondScope)).toBe(`${ORIGIN}/other/`)
    const fromFrame = () => page.evaluate(() => (document.getElementById('other') as HTMLIFrameElement).contentWindow!.fetch('/api/plain').then(async (r) => ({ status: r.status, text: await r.text() })))
    expect(await fromFrame()).toEqual(HELLO) // the second worker has read the saved scenario: none
    await page.evaluate(() => window.swasgi.useScenario('down'))
    await expect.poll(fromFrame, { timeout: 5000 }).toEqual({ status: 503, text: 'the server is down' })
    await page.evaluate(() => window.swasgi.resetOverrides())
    await expect.poll(fromFrame, { timeout: 5000 }).toEqual(HELLO)
  })

  test('delay(300) delays by about that much', async () => {
    const page = await browser.controlledPage('?mock')
    await page.evaluate(() => window.swasgi.useOverrides({ path: '/api/slow', delay: 300, text: 'late' }))
    const seen = await page.evaluate(async () => {
      const started = performance.now()
      const text = await (await fetch('/api/slow')).text()
      return { text, took: performance.now() - started }
    })
    expect(seen.text).toBe('late')
    expect(seen.took).toBeGreaterThanOrEqual(290)
    expect(seen.took).toBeLessThan(3000)
  })

  test("delay('infinite') never answers; after the page aborts, the mock layer's abort action ends the wait and the app's finally runs", async () => {
    const page = await browser.controlledPage('?mock')
    const seen = await page.evaluate(async () => {
      const controller = new AbortController()
      let settled = false
      const pending = fetch('/api/forever', { signal: controller.signal }).finally(() => (settled = true))
      await new Promise((resolve) => setTimeout(resolve, 800))
      const before = settled
      controller.abort()
      const error = await pending.then(() => 'answered', (error: Error) => error.name)
      await new Promise((resolve) => setTimeout(resolve, 500))
      const { foreverDisconnect, foreverFinally } = await (await fetch('/api/observed')).json()
      const heard = { foreverDisconnect, foreverFinally }
      // No engine tells the worker of an abort before the response starts: the page says it (the
      // mock layer's abort action, which the Playwright fixture sends in Chromium).
      const abort = { type: 'swasgi:mock', action: 'abort', method: 'GET', url: new URL('/api/forever', location.href).href }
      await window.swasgi.askWorker(abort, 5000)
      return { before, error, heard }
    })
    expect(seen).toEqual({ before: false, error: 'AbortError', heard: { foreverDisconnect: false, foreverFinally: false } })
    expect(await waitForPage(page, async () => ((await (await fetch('/api/observed')).json()).foreverFinally ? true : null)), "the handler's finally ran").toBe(true)
  })

  test('a network-error override makes fetch reject with a TypeError', async () => {
    const page = await browser.controlledPage('?mock')
    await page.evaluate(() => window.swasgi.useOverrides({ path: '/api/plain', error: true }))
    expect(await fetchText(page, '/api/plain')).toEqual({ error: expect.stringMatching(/^TypeError: /) })
  })

  test("a cut stream makes the page's reader throw after the first bytes", async () => {
    const page = await browser.controlledPage('?mock')
    await page.evaluate(() => window.swasgi.useOverrides({ path: '/api/cut', text: 'x'.repeat(1000), cutAfter: 100 }))
    const seen = await page.evaluate(readBody, '/api/cut')
    expect(seen).toEqual({ status: 200, bytes: expect.any(Number), error: 'TypeError' })
    expect(seen.bytes).toBeLessThanOrEqual(100)
  })

  test("onUnhandledRequest 'error' answers a clear 501 to fetches; a navigation still loads from the network", async () => {
    const page = await browser.controlledPage('?mock&unhandled=error')
    const answer = await fetchText(page, '/network/x')
    expect(answer.status).toBe(501)
    expect(answer.text).toBe(`swasgi: unhandled request GET ${ORIGIN}/network/x: no route of the app answers it`)
    await page.goto(`${ORIGIN}/network/a-page`)
    expect(await page.evaluate(() => document.body.textContent)).toBe('from the network: /network/a-page')
  })

  test('request events arrive on the page, with real durations', async () => {
    const page = await browser.controlledPage('?mock&unhandled=bypass')
    await page.evaluate(() => window.swasgi.useOverrides({ path: '/api/slow', delay: 200, text: 'late' }))
    await page.evaluate(() => {
      const seen: unknown[] = ((window as unknown as { seen: unknown[] }).seen = [])
      window.swasgi.onRequestEvent('*', (event) => seen.push(event))
    })
    await page.evaluate(() => window.swasgi.mockState()) // the subscription has reached the worker
    await fetchText(page, '/api/slow')
    await fetchText(page, '/api/error')
    expect(await fetchText(page, '/network/y')).toEqual({ status: 200, text: 'from the network: /network/y' })
    const expected = [
      { type: 'request:start', method: 'GET', url: `${ORIGIN}/api/slow` },
      { type: 'request:end', status: 200, ms: expect.any(Number) },
      { type: 'request:start', url: `${ORIGIN}/api/error` },
      { type: 'request:error', error: 'deliberate failure in the app' },
      { type: 'request:end', status: 500 },
      { type: 'request:unhandled', url: `${ORIGIN}/network/y` },
    ]
    const events = await waitForPage(page, (count) => {
      const seen = (window as unknown as { seen: { url?: string }[] }).seen.filter((event) => !/\/sw\.js/.test(String(event.url)))
      return seen.length >= count ? seen : null
    }, { arg: expected.length })
    expect(events).toMatchObject(expected)
    expect((events[1] as unknown as { ms: number }).ms).toBeGreaterThanOrEqual(190)
  })
})
