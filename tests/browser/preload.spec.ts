// Navigation preload (serve({ navigationPreload: true }), ?preload): a navigation the app leaves to
// the network is already under way while a stopped worker starts, and the worker answers with it.
// The test server marks a response to a preload request ("(navigation preload)").
import type { Page } from '@playwright/test'
import { openControlled, test, expect } from './fixtures.js'

const preloadState = (page: Page) =>
  page.evaluate(async () => (await (await navigator.serviceWorker.ready).navigationPreload.getState()).enabled)

async function stopWorker(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('ServiceWorker.enable')
  await cdp.send('ServiceWorker.stopAllWorkers')
  await cdp.detach()
}

test('with the option, a navigation left to the network is the preload, also from a stopped worker', async ({ page }) => {
  await openControlled(page, '?preload')
  await expect.poll(() => preloadState(page)).toBe(true)
  await page.goto('/network/warm')
  expect(await page.textContent('body')).toBe('from the network: /network/warm (navigation preload)')
  await page.goto('/index.html?preload')
  await stopWorker(page)
  await page.goto('/network/cold')
  expect(await page.textContent('body')).toBe('from the network: /network/cold (navigation preload)')
})

test('with the option, a navigation the app answers is still the app’s', async ({ page }) => {
  await openControlled(page, '?preload')
  await expect.poll(() => preloadState(page)).toBe(true)
  await page.goto('/page')
  await expect(page.locator('#title')).toHaveText('Answered by the worker at /page')
})

test('without it, navigation preload stays off and the browser fetches what the app leaves alone', async ({ controlled: page }) => {
  expect(await preloadState(page)).toBe(false)
  await page.goto('/network/plain')
  expect(await page.textContent('body')).toBe('from the network: /network/plain')
})
