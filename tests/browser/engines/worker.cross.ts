// The worker's basics in every engine: control, GET, navigation, streaming, errors, offline.
import { describe, expect, test } from 'vitest'
import { engines, ORIGIN, useEngine } from './harness.js'
import { readGatedStream } from '../in-page.js'

/** Which engines have navigation preload (ServiceWorkerRegistration.navigationPreload), as measured here. */
const NAVIGATION_PRELOAD = { chromium: true, firefox: true, webkit: true }

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine)

  test('register() gives the worker control, and it answers a JSON GET', async () => {
    const page = await browser.controlledPage()
    const seen = await page.evaluate(async () => {
      const r = await fetch('/api/echo?id=7')
      return { status: r.status, type: r.headers.get('content-type'), body: await r.json() }
    })
    expect(seen).toEqual({ status: 200, type: 'application/json', body: { id: '7', method: 'GET', path: '/api/echo' } })
  })

  test('an HTML navigation is answered by the worker', async () => {
    const page = await browser.controlledPage()
    await page.goto(`${ORIGIN}/page`)
    expect(await page.evaluate(() => document.getElementById('title')?.textContent)).toBe('Answered by the worker at /page')
  })

  test('a StreamingResponse arrives chunk by chunk while the generator runs', async () => {
    const page = await browser.controlledPage()
    // The worker makes each chunk only after the page has said it read the one before: a body
    // held back until its end stops at the first chunk. (No timing: Firefox ESR 140 here hands a
    // service worker's chunks over 5-650 ms after they are made, a bare worker's as much as ours.)
    const chunks = await page.evaluate(readGatedStream, 3)
    expect(chunks.map((c) => c.split(':')[0])).toEqual(['0', '1', '2'])
  })

  test("an exception in the app is a 500 'Internal Server Error'", async () => {
    const page = await browser.controlledPage()
    const seen = await page.evaluate(async () => {
      const r = await fetch('/api/error')
      return [r.status, await r.text()]
    })
    expect(seen).toEqual([500, 'Internal Server Error'])
  })

  test('navigation preload (opt-in): a navigation left to the network rides it where the engine has it, and loads either way', async () => {
    const page = await browser.controlledPage('?preload')
    const supported = await page.evaluate(async () => 'navigationPreload' in (await navigator.serviceWorker.ready))
    expect(supported, 'the engine has navigation preload').toBe(NAVIGATION_PRELOAD[engine])
    if (supported) {
      await expect
        .poll(() => page.evaluate(async () => (await (await navigator.serviceWorker.ready).navigationPreload.getState()).enabled))
        .toBe(true)
    }
    await page.goto(`${ORIGIN}/network/warm`)
    const text = await page.evaluate(() => document.body.textContent)
    expect(text).toBe(`from the network: /network/warm${supported ? ' (navigation preload)' : ''}`)
  })

  test('offline, a reload is still answered by the worker (and the network is really gone)', async () => {
    const page = await browser.controlledPage()
    await page.goto(`${ORIGIN}/page`)
    await browser.goOffline(page)
    expect(await page.evaluate(() => fetch('/network/x').then((r) => `answered ${r.status}`, () => 'network error'))).toBe('network error')
    await page.reload()
    expect(await page.evaluate(() => document.getElementById('title')?.textContent)).toBe('Answered by the worker at /page')
    expect(await page.evaluate(async () => (await (await fetch('/api/echo?id=off')).json()).id)).toBe('off')
  })
})
