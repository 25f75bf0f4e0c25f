// Firefox through puppeteer-core over WebDriver BiDi (Playwright cannot drive a stock Firefox).
// The suite starts Firefox itself, with a fresh profile that changes no web behaviour, and connects:
// puppeteer's own launch() forces `fission.webContentIsolationStrategy` to 0 (and relaxes cookie
// blocking), and that pref alone makes the worker's cookieStore work where a user's Firefox fails.
// Every page is the first tab of a fresh Firefox: a worker left running by one test changed what
// the next one saw. The next Firefox starts while a test runs, to hide its start-up.
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page, PageFunction } from './driver.js'

/** Quiet start-up: no first-run pages or data reporting; and no JSON viewer. */
const PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  // The devtools viewer replaces a JSON document's body with its own UI, where fetch() fails; without
  // it the page shows the text, as in the other engines.
  'devtools.jsonview.enabled': false,
}

/** Starts Firefox headless on a fresh profile and connects puppeteer to its WebDriver BiDi endpoint. */
async function startFirefox(executablePath: string) {
  const { default: puppeteer } = await import('puppeteer-core')
  const profile = await mkdtemp(join(tmpdir(), 'swasgi-firefox-'))
  await writeFile(join(profile, 'user.js'), Object.entries(PREFS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''))
  const child = spawn(executablePath, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', '0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill()
    await exited
    await rm(profile, { recursive: true, force: true })
  }
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let err = ''
      const timer = setTimeout(() => reject(new Error(`Firefox did not open WebDriver BiDi within 30 s: ${err.trim().slice(-500)}`)), 30_000)
      child.stderr!.on('data', (data) => {
        err += data
        const found = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err)
        if (found) {
          clearTimeout(timer)
          resolve(found[1])
        }
      })
      child.once('exit', (code) => reject(new Error(`Firefox exited (${code}) before opening WebDriver BiDi: ${err.trim().slice(-500)}`)))
    })
    const browser = await puppeteer.connect({ browserWSEndpoint: `${endpoint}/session`, protocol: 'webDriverBiDi' })
    return {
      browser,
      async close() {
        await browser.close().catch(() => {})
        await stop()
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

type Firefox = Awaited<ReturnType<typeof startFirefox>>

/** Firefox as a Browser: each newPage() is a fresh Firefox. */
export async function launchFirefox(executablePath: string): Promise<Browser> {
  const running = new Set<Promise<Firefox>>()
  const launch = () => {
    const firefox = startFirefox(executablePath)
    running.add(firefox)
    firefox.catch(() => running.delete(firefox))
    return firefox
  }
  let next = launch()
  const version = await (await next).browser.version()
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
          await firefox.close()
        },
      }
    },
    async close() {
      await Promise.allSettled([...running].map(async (firefox) => (await firefox).close()))
    },
  }
}
