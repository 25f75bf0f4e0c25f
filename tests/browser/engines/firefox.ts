// Firefox through puppeteer-core over WebDriver BiDi (Playwright cannot drive a stock Firefox):
// one browser, a fresh browser context (a BiDi user context) per page.
import type { Browser, Page, PageFunction } from './driver.js'

export async function launchFirefox(executablePath: string): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer-core')
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true })
  return {
    engine: 'firefox',
    version: await browser.version(),
    async newPage(): Promise<Page> {
      const context = await browser.createBrowserContext()
      const page = await context.newPage()
      return {
        async goto(url) {
          await page.goto(url, { waitUntil: 'load' })
        },
        async reload() {
          await page.reload({ waitUntil: 'load' })
        },
        evaluate: <A, R>(fn: PageFunction<A, R>, arg?: A) => page.evaluate(fn as (arg: A) => R, arg as A) as Promise<R>,
        setOffline: (offline) => page.setOfflineMode(offline),
        cookie: () => page.evaluate(() => document.cookie),
        close: () => context.close(),
      }
    },
    close: () => browser.close(),
  }
}
