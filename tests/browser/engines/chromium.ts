// Chromium through Playwright (which the Chromium-only specs use too): one browser, a fresh context per page.
import { chromium } from '@playwright/test'
import type { Browser, Page, PageFunction } from './driver.js'
// @ts-expect-error a plain .mjs module shared with the benchmarks
import { CHROMIUM_ARGS } from '../../../scripts/find-browser.mjs'

export async function launchChromium(executablePath: string | undefined): Promise<Browser> {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  return {
    engine: 'chromium',
    version: browser.version(),
    async newPage(): Promise<Page> {
      const context = await browser.newContext()
      const page = await context.newPage()
      return {
        async goto(url) {
          await page.goto(url)
        },
        async reload() {
          await page.reload()
        },
        evaluate: <A, R>(fn: PageFunction<A, R>, arg?: A) => page.evaluate(fn as (arg: unknown) => unknown, arg as unknown) as Promise<R>,
        setOffline: (offline) => context.setOffline(offline),
        cookie: () => page.evaluate(() => document.cookie),
        close: () => context.close(),
      }
    },
    close: () => browser.close(),
  }
}
