// What every cross-engine spec shares: the app server (which the specs may stop, to be offline where
// the engine has no offline switch), one browser per engine and file, and a fresh page per test.
import type { Server } from 'node:http'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import type { Browser, EngineName, Page } from './driver.js'
import { availableEngines, launch } from './engines.js'
// @ts-expect-error a plain .mjs module, also Playwright's webServer
import { listen } from '../server.mjs'

/** The app's port (the WebKit driver takes PORT+2): $ENGINES_PORT, else $TEST_PORT+10. */
export const PORT = Number(process.env.ENGINES_PORT ?? Number(process.env.TEST_PORT ?? 4179) + 10)
export const ORIGIN = `http://127.0.0.1:${PORT}`

/** The engines to parametrise over (describe.each): a failure names its browser. */
export const engines: EngineName[] = availableEngines()

class AppServer {
  private server: Server | undefined

  async start(): Promise<void> {
    this.server ??= (await listen(PORT)) as Server
  }

  /** Stops answering at once: open keep-alive connections are closed too. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    const closed = new Promise((resolve) => server.close(resolve))
    server.closeAllConnections()
    await closed
  }
}

const server = new AppServer()

/**
 * Polls `fn` in the page until it returns something other than null, e.g. while a navigation that
 * the page started itself (a form submit) loads; errors from the page going away are retried.
 */
export async function waitForPage<R>(page: Page, fn: () => R | null, timeout = 10_000): Promise<R> {
  const deadline = Date.now() + timeout
  let last: unknown = null
  while (Date.now() < deadline) {
    try {
      const value = await page.evaluate(fn)
      if (value !== null) return value as R
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the page did not get there within ${timeout} ms${last ? ` (last error: ${(last as Error).message})` : ''}`)
}

export interface EngineUnderTest {
  /** A fresh page (own context) showing /index.html, controlled by the test worker. */
  controlledPage(query?: string): Promise<Page>
  /** Cuts the page off the network: the engine's offline switch, or else the server stops. */
  goOffline(page: Page): Promise<void>
}

/** Launches `engine` for the enclosing describe and closes every page after each test. */
export function useEngine(engine: EngineName): EngineUnderTest {
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
  return {
    async controlledPage(query = '') {
      if (!browser) throw new Error(`${engine} did not launch`)
      const page = await browser.newPage()
      pages.push(page)
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
