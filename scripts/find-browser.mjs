// Finds a Chromium for the browser tests and benchmarks: $CHROMIUM_PATH, else Debian's
// /usr/bin/chromium, else Playwright's own download. Exits with the exact fix when there is none.
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

/** The flags every launch uses (no sandbox as root, no background network on closed machines). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** The path of the Chromium to launch, or undefined to let Playwright use its own. */
export function findChromium() {
  const found = locateChromium()
  if (found.problem) fatal(found.problem)
  return found.path
}

/** Like findChromium, but says what is missing instead of exiting: { path } or { problem }. */
export function locateChromium() {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { problem: `CHROMIUM_PATH is set to ${fromEnv}, which does not exist.` }
  if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium' }
  let own
  try {
    own = chromium.executablePath()
  } catch {
    own = undefined
  }
  if (own && existsSync(own)) return { path: undefined }
  return { problem: 'No Chromium found for the browser tests.' }
}

function fatal(problem) {
  console.error(`${problem}
Install one of:
  sudo apt-get install -y chromium          # Debian/Ubuntu: /usr/bin/chromium
  npx playwright install chromium           # Playwright's own build
or point CHROMIUM_PATH at a Chromium or Chrome binary.`)
  process.exit(1)
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(findChromium() ?? chromium.executablePath())
