// Firefox through puppeteer-core over WebDriver BiDi (Playwright cannot drive a stock Firefox).
// The suite starts Firefox itself, as a user would (scripts/start-firefox.mjs says why not puppeteer's
// launch()), with a fresh profile that changes no web behaviour.
// Every page is the first tab of a fresh Firefox: a worker left running by one test changed what
// the next one saw. The next Firefox starts while a test runs, to hide its start-up.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page, PageFunction } from './driver.js'
// @ts-expect-error a plain .mjs module, shared with the browser bench
import { startFirefox } from '../../../scripts/start-firefox.mjs'

/** Besides the quiet start-up: no devtools JSON viewer, which replaces a JSON document's body with
 * its own UI, where fetch() fails; without it the page shows the text, as in the other engines. */
const PREFS = { 'devtools.jsonview.enabled': false }

/** Starts Firefox headless on a fresh profile, connected over WebDriver BiDi; close() also removes the profile. */
async function openFirefox(executablePath: string) {
  const profile = await mkdtemp(join(tmpdir(), 'swasgi-firefox-'))
  const removeProfile = () => rm(profile, { recursive: true, force: true })
  const started = await startFirefox(executablePath, profile, PREFS).catch(async (error: unknown) => {
    await removeProfile()
    throw error
  })
  return {
    browser: started.browser,
    async close() {
      await started.browser.close().catch(() => {})
      await started.stop()
      await removeProfile()
    },
  }
}

type Firefox = Awaited<ReturnType<typeof openFirefox>>

/** Firefox as a Browser: each newPage() is a fresh Firefox. */
export async function launchFirefox(executablePath: string): Promise<Browser> {
  const running = new Set<Promise<Firefox>>()
  const launch = () => {
    const firefox = openFirefox(executablePath)
    running.add(firefox)
    firefox.catch(() => running.delete(firefox))
    return firefox
  }
  let next = launch()
  const first = await next
  const version = await first.browser.version()
  // WebDriver BiDi's emulation.setNetworkConditions came after Firefox 140 ("unknown command"
  // there): without it the suite stops the server to be offline, as for WebKit.
  const [blank] = await first.browser.pages()
  const canGoOffline = await blank!.setOfflineMode(false).then(() => true, () => false)
  return {
    engine: 'firefox',
    version,
    async newPage(): Promise<Page> {
      const starting = next
      next = launch()
      const firefox = await starting
      const [page] = await firefox.browser.pages()
      if (!page) throw new Error('Firefox started without a tab')
      return {
        async goto(url) {
          await page.goto(url, { waitUntil: 'load' }).catch((error: Error) => {
            // A page that navigates on before its load (an auto-submitting form) aborts the wait in
            // Firefox 140 (NS_BINDING_ABORTED): it did arrive, and callers wait for where it went.
            if (!error.message.includes('NS_BINDING_ABORTED')) throw error
          })
        },
        async reload() {
          await page.reload({ waitUntil: 'load' })
        },
        evaluate: <A, R>(fn: PageFunction<A, R>, arg?: A) => page.evaluate(fn as (arg: unknown) => unknown, arg as unknown) as Promise<R>,
        setOffline: canGoOffline ? (offline) => page.setOfflineMode(offline) : undefined,
        cookie: () => page.evaluate(() => document.cookie),
        async close() {
          running.delete(starting)
          await firefox.close()
        },
      }
    },
    async close() {
      await Promise.allSettled([...running].map(async (firefox) => (await firefox).close()))
    },
  }
}
