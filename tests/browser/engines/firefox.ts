// Firefox through puppeteer-core over WebDriver BiDi (Playwright cannot drive a stock Firefox).
// Every page is the first tab of a fresh Firefox (fresh profile): where a user starts. Not a tab
// that BiDi creates (browser.newPage()): in such a tab of the default context the worker's
// cookieStore stores and reads nothing, while in the first tab, or in a separate user context, it
// works. Not one long-lived browser wiped between tests either: a worker left running by one test
// changed what the next one saw. The next Firefox starts while a test runs, to hide its start-up.
import type { Browser, Page, PageFunction } from './driver.js'

export async function launchFirefox(executablePath: string): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer-core')
  const start = () => puppeteer.launch({ browser: 'firefox', executablePath, headless: true })
  type Firefox = Awaited<ReturnType<typeof start>>
  const running = new Set<Promise<Firefox>>()
  const launch = () => {
    const browser = start()
    running.add(browser)
    browser.catch(() => running.delete(browser))
    return browser
  }
  let next = launch()
  const version = await (await next).version()
  return {
    engine: 'firefox',
    version,
    async newPage(): Promise<Page> {
      const starting = next
      next = launch()
      const browser = await starting
      const [page] = await browser.pages()
      if (!page) throw new Error('Firefox started without a tab')
      return {
        async goto(url) {
          await page.goto(url, { waitUntil: 'load' })
        },
        async reload() {
          await page.reload({ waitUntil: 'load' })
        },
        evaluate: <A, R>(fn: PageFunction<A, R>, arg?: A) => page.evaluate(fn as (arg: unknown) => unknown, arg as unknown) as Promise<R>,
        setOffline: (offline) => page.setOfflineMode(offline),
        cookie: () => page.evaluate(() => document.cookie),
        async close() {
          running.delete(starting)
          await browser.close()
        },
      }
    },
    async close() {
      await Promise.allSettled([...running].map(async (browser) => (await browser).close()))
    },
  }
}
