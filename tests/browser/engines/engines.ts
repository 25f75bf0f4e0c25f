// Finds the three engines at run time and launches them. A missing engine is a skip with the exact
// install command, except on CI (CI=true), where the suite must run in all three.
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, EngineName } from './driver.js'
import { launchChromium } from './chromium.js'
import { launchFirefox } from './firefox.js'
import { launchWebKit, type WebKitPaths } from './webkit.js'
// @ts-expect-error a plain .mjs module shared with the benchmarks
import { locateChromium } from '../../../scripts/find-browser.mjs'

export const ENGINES: readonly EngineName[] = ['chromium', 'firefox', 'webkit']

/** What launching an engine needs, or why it cannot run here and how to fix that. */
export type Found = { engine: EngineName; launch: (port: number) => Promise<Browser> } | { engine: EngineName; missing: string; install: string }

const firstExisting = (paths: (string | undefined)[]) => paths.find((path) => path !== undefined && existsSync(path))

function findChromiumEngine(): Found {
  const found = locateChromium() as { path?: string; problem?: string }
  if (found.problem) return { engine: 'chromium', missing: found.problem, install: 'sudo apt-get install -y chromium fonts-liberation' }
  return { engine: 'chromium', launch: () => launchChromium(found.path) }
}

function findFirefoxEngine(): Found {
  const install = 'sudo apt-get install -y firefox-esr'
  const fromEnv = process.env.FIREFOX_PATH
  if (fromEnv && !existsSync(fromEnv)) return { engine: 'firefox', missing: `FIREFOX_PATH is set to ${fromEnv}, which does not exist`, install }
  const path = fromEnv ?? firstExisting(['/usr/bin/firefox-esr', '/usr/bin/firefox'])
  if (!path) return { engine: 'firefox', missing: 'no Firefox (/usr/bin/firefox-esr or $FIREFOX_PATH)', install }
  try {
    createRequire(import.meta.url).resolve('puppeteer-core')
  } catch {
    return { engine: 'firefox', missing: 'the puppeteer-core package, which drives Firefox', install: 'npm ci' }
  }
  return { engine: 'firefox', launch: () => launchFirefox(path) }
}

/** MiniBrowser lives under the multiarch library folder, e.g. /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1. */
function findMiniBrowser(): string | undefined {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER
  let folders: string[] = []
  try {
    folders = readdirSync('/usr/lib').filter((name) => name.includes('-linux-'))
  } catch {
    // no /usr/lib: not a Debian-like system
  }
  return firstExisting(folders.flatMap((folder) => ['4.1', '4.0', '6.0'].map((api) => `/usr/lib/${folder}/webkit2gtk-${api}/MiniBrowser`)))
}

function findWebKitEngine(): Found {
  const install = 'sudo apt-get install -y webkit2gtk-driver xvfb'
  const driver = firstExisting([process.env.WEBKIT_WEBDRIVER, '/usr/bin/WebKitWebDriver'])
  const miniBrowser = findMiniBrowser()
  const xvfb = firstExisting(['/usr/bin/Xvfb'])
  const missing = [!driver && 'WebKitWebDriver', !miniBrowser && "WebKitGTK's MiniBrowser", !xvfb && !process.env.DISPLAY && 'Xvfb (or an X display in $DISPLAY)'].filter(Boolean)
  if (!driver || !miniBrowser || missing.length) return { engine: 'webkit', missing: `no ${missing.join(', no ')}`, install }
  const paths: WebKitPaths = { driver, miniBrowser, xvfb }
  return { engine: 'webkit', launch: (port) => launchWebKit(paths, port) }
}

/** The engines this run covers: all three, or those named in $ENGINES (comma-separated). */
export function requestedEngines(): EngineName[] {
  const wanted = process.env.ENGINES?.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean)
  if (!wanted) return [...ENGINES]
  const unknown = wanted.filter((name) => !ENGINES.includes(name as EngineName))
  if (unknown.length) throw new Error(`ENGINES names unknown engines: ${unknown.join(', ')} (choose from ${ENGINES.join(', ')})`)
  return wanted as EngineName[]
}

export function findEngines(): Found[] {
  const finders = { chromium: findChromiumEngine, firefox: findFirefoxEngine, webkit: findWebKitEngine }
  return requestedEngines().map((engine) => finders[engine]())
}

/** The engines that can run here, in order. */
export function availableEngines(): EngineName[] {
  return findEngines()
    .filter((found) => 'launch' in found)
    .map((found) => found.engine)
}

export function launch(engine: EngineName, port: number): Promise<Browser> {
  const found = findEngines().find((f) => f.engine === engine)
  if (!found || !('launch' in found)) throw new Error(`${engine} is not available here`)
  return found.launch(port)
}
