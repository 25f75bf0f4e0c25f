// Firefox through puppeteer-core over WebDriver BiDi (Playwright cannot drive a stock Firefox).
// Pages open in the default browser context, where users are: in a separate one (a BiDi user
// context, like a container tab) the worker's cookieStore works, while in the default one it stores
// and reads nothing. So instead of a fresh context, closing a page wipes what the test left behind
// (and the specs use fresh names and values, so that nothing left over can pass a test).
import type { Browser, Page, PageFunction } from './driver.js'

/**
 * Runs in the page before it closes: unregisters the workers and empties the caches, databases and
 * cookies. Databases are emptied rather than deleted: the old worker may still hold them open,
 * which would block a deletion and every later open.
 */
async function wipeOrigin(): Promise<void> {
  const registrations = await navigator.serviceWorker.getRegistrations()
  await Promise.all(registrations.map((registration) => registration.unregister()))
  for (const name of await caches.keys()) await caches.delete(name)
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name!)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    const stores = [...db.objectStoreNames]
    if (stores.length) {
      const transaction = db.transaction(stores, 'readwrite')
      for (const store of stores) transaction.objectStore(store).clear()
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve
        transaction.onerror = () => reject(transaction.error)
      })
    }
    db.close()
  }
}

export async function launchFirefox(executablePath: string): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer-core')
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true })
  return {
    engine: 'firefox',
    version: await browser.version(),
    async newPage(): Promise<Page> {
      const page = await browser.newPage()
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
          try {
            await page.setOfflineMode(false)
            if (page.url().startsWith('http')) await page.evaluate(wipeOrigin)
            await browser.deleteCookie(...(await browser.cookies()))
          } finally {
            await page.close()
          }
        },
      }
    },
    close: () => browser.close(),
  }
}
