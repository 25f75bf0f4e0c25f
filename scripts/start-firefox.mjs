// Starts Firefox as a user would (headless, stock settings, its own profile) and connects
// puppeteer-core to it over WebDriver BiDi; shared by the cross-engine suite and the browser bench.
// Not puppeteer's launch(): it forces `fission.webContentIsolationStrategy` to 0, which alone makes
// the worker's cookieStore work where a user's Firefox fails.
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The prefs every start writes: no first-run pages or data reporting. */
export const QUIET_PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
}

/**
 * Starts `executablePath` on `profile` (QUIET_PREFS and `prefs` written to its user.js) and resolves
 * with the connected puppeteer Browser and a `stop()` that ends the process; on failure the process
 * is ended and the error names what Firefox printed.
 */
export async function startFirefox(executablePath, profile, prefs = {}) {
  const { default: puppeteer } = await import('puppeteer-core')
  const all = { ...QUIET_PREFS, ...prefs }
  await writeFile(join(profile, 'user.js'), Object.entries(all).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''))
  const child = spawn(executablePath, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', '0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = new Promise((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill()
    await exited
  }
  try {
    const endpoint = await new Promise((resolve, reject) => {
      let err = ''
      const timer = setTimeout(() => reject(new Error(`Firefox did not open WebDriver BiDi within 30 s: ${err.trim().slice(-500)}`)), 30_000)
      child.stderr.on('data', (data) => {
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
    return { browser, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
