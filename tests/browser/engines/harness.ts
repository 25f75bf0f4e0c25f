// What every cross-engine spec shares: the app server (which the specs may stop, to be offline where
// the engine has no offline switch; a spec may bring its own, as the demo's does), one driver per
// engine and file, and a fresh page per test.
import type { Server } from 'node:http'
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest'
import type { Browser, EngineName, Page } from './driver.js'
import { launch } from './engines.js'
// @ts-expect-error a plain .mjs module, also Playwright's webServer
import { listen } from '../server.mjs'

/**
 * The app's port: $ENGINES_PORT, else $TEST_PORT+20. The suite also uses PORT+1 (a second origin),
 * PORT+2 (the WebKit driver), PORT+4 (the demo) and PORT+5 (`vite dev`).
 */
export const PORT = Number(process.env.ENGINES_PORT ?? Number(process.env.TEST_PORT ?? 4179) + 20)

// Ports that browsers refuse to load from (the Fetch standard's "bad ports"), in the range the suite may pick.
const BAD_PORTS = new Set([3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080])
const refused = [PORT, PORT + 1, PORT + 2, PORT + 4, PORT + 5].filter((port) => BAD_PORTS.has(port))
if (refused.length > 0) throw new Error(`ENGINES_PORT=${PORT} makes the suite use port ${refused.join(', ')}, which browsers refuse (a Fetch "bad port"): pick another`)
/** The app's origin, as the pages see it. */
export const ORIGIN = `http://127.0.0.1:${PORT}`

/** The engines to parametrise over (describe.each), as found once by the global setup. */
export const engines: EngineName[] = inject('engines')

/** A server a spec can stop (to be offline) and start again; `listen` starts it and gives back how to stop it. */
export class RestartableServer {
  private running: Promise<{ close(): Promise<void> }> | undefined

  constructor(private readonly listen: () => Promise<{ close(): Promise<void> }>) {}

  async start(): Promise<void> {
    this.running ??= this.listen()
    try {
      await this.running
    } catch (error) {
      this.running = undefined
      throw error
    }
  }

  /** Stops answering at once: open keep-alive connections are closed too. */
  async stop(): Promise<void> {
    const running = this.running
    this.running = undefined
    if (running) await (await running).close()
  }
}

const appServer = new RestartableServer(async () => {
  const server = (await listen(PORT)) as Server
  return {
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      return closed
    },
  }
})

/**
 * Polls `fn` in the page until it returns something other than null, e.g. while a navigation that
 * the page started itself (a form submit) loads; errors from the page going away are retried. `arg`
 * goes to `fn`, which runs in the page and so cannot close over anything.
 */
export async function waitForPage<R, A = undefined>(page: Page, fn: (arg: A) => R | null, { arg, timeout = 10_000 }: { arg?: A; timeout?: number } = {}): Promise<R> {
  const deadline = Date.now() + timeout
  let last: unknown = null
  while (Date.now() < deadline) {
    try {
      const value = await page.evaluate(fn, arg as A)
      if (value !== null) return value as R
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the page did not get there within ${timeout} ms${last ? ` (last error: ${(last as Error).message})` : ''}`)
}

/** What a spec gets from useEngine(). */
export interface EngineUnderTest {
  /** A fresh blank page (own context), closed after the test. */
  newPage(): Promise<Page>
  /** A fresh page (own context) showing /index.html, controlled by the test worker. */
  controlledPage(query?: string): Promise<Page>
  /** Cuts the page off the network: the engine's offline switch, or else the server stops. */
  goOffline(page: Page): Promise<void>
}

/**
 * Launches `engine` for the enclosing describe and closes every page after each test. `server` is
 * what the pages talk to (the test app's server unless a spec brings its own): started before the
 * tests, stopped by goOffline() where the engine has no offline switch, started again after each test.
 */
export function useEngine(engine: EngineName, server: RestartableServer = appServer): EngineUnderTest {
  let browser: Browser | undefined
  const pages: Page[] = []
  beforeAll(async () => {
    await server.start()
    browser = await launch(engine, PORT + 2)
  }, 60_000)
  afterEach(async () => {
    await Promise.allSettled(pages.splice(0).map((page) => page.close()))
    await server.start() // a test may have stopped it
  })
  afterAll(async () => {
    await browser?.close()
    await server.stop()
  })
  const newPage = async () => {
    if (!browser) throw new Error(`${engine} did not launch`)
    const page = await browser.newPage()
    pages.push(page)
    return page
  }
  return {
    newPage,
    async controlledPage(query = '') {
      const page = await newPage()
      await page.goto(`${ORIGIN}/index.html${query}`)
      const scope = await page.evaluate(() => (window as unknown as { swReady: Promise<string> }).swReady)
      expect(scope, 'register() resolves with the scope').toBe(`${ORIGIN}/`)
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker controls the page').toBe(true)
      return page
    },
    async goOffline(page) {
      if (page.setOffline) await page.setOffline(true)
      else await server.stop()
    },
  }
}
