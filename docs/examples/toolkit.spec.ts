import { test, expect } from 'swasgi/playwright'

test('a quick note is saved by the app in the worker', async ({ page, swasgi }) => {
  await swasgi.open('/', { script: '/sw.js' }) // registers the worker and waits until it controls the page
  await page.getByPlaceholder('Quick note title').fill('Buy milk') // on the page the worker renders
  await page.getByRole('button', { name: 'Add note' }).click()
  await expect(page.getByRole('link', { name: 'Buy milk' })).toBeVisible()
  expect(swasgi.log.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.status}`)).toContain('POST /api/notes 201')
  expect(await swasgi.evaluate(() => location.pathname)).toBe('/sw.js') // code run inside the worker
})
