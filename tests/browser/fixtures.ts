import { test as base, expect, type Page } from '@playwright/test'

/** Opens the test page and waits until the swasgi worker controls it. */
export async function openControlled(page: Page, query = ''): Promise<void> {
  await page.goto(`/index.html${query}`)
  const scope = await page.evaluate(() => window.swReady)
  expect(scope).not.toMatch(/^error/)
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
}

/** A page that the app's worker controls. */
export const test = base.extend<{ controlled: Page }>({
  controlled: async ({ page }, use) => {
    await openControlled(page)
    await use(page)
  },
})

export { expect }
