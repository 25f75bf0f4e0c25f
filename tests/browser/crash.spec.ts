// A browser killed in the middle of a cache:// overwrite must leave the old file or the new one, whole.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, test, expect, type Browser, type Page } from '@playwright/test'
// @ts-expect-error a plain .mjs module shared with the benchmarks
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-browser.mjs'

const MiB = 1 << 20
const NEW_SIZE = 64 * MiB
const PATH = 'cache://assets/crash.bin'

/** Starts Chromium on `profile` as our own child process, so that the test can SIGKILL exactly it. */
async function launch(profile: string): Promise<{ child: ChildProcess; browser: Browser; page: Page }> {
  const args = [...CHROMIUM_ARGS, '--headless', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank']
  const child = spawn(findChromium() ?? chromium.executablePath(), args, { stdio: ['ignore', 'ignore', 'pipe'] })
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.stderr!.on('data', (data) => {
      output += data
      const found = /DevTools listening on (ws:\S+)/.exec(output)
      if (found) resolve(found[1])
    })
    child.on('exit', () => reject(new Error(`Chromium exited before listening:\n${output}`)))
  })
  const browser = await chromium.connectOverCDP(endpoint)
  const page = await browser.contexts()[0].newPage()
  await page.goto(`${test.info().project.use.baseURL}/index.html`)
  expect(await page.evaluate(() => window.swReady)).not.toMatch(/^error/)
  return { child, browser, page }
}

/** Bytes now on disk under `dir` (Chromium writes cache bodies there as it receives them). */
function diskUsage(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    try {
      total += statSync(join(entry.parentPath, entry.name)).size
    } catch {
      // Deleted while we walked.
    }
  }
  return total
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exit = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exit
}

/** Closes Chromium the ordinary way, so that it is done with the profile when this resolves. */
async function closed({ child, browser }: { child: ChildProcess; browser: Browser }): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exit = new Promise((resolve) => child.once('exit', resolve))
  await (await browser.newBrowserCDPSession()).send('Browser.close').catch(() => child.kill('SIGKILL'))
  await exit
}

/** SHA-256 (hex) of what the worker serves for the file, its status and length. */
async function served(page: Page) {
  return page.evaluate(async () => {
    const response = await fetch('/files/cache/crash.bin', { cache: 'no-store' })
    const body = await response.arrayBuffer()
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', body)), (b) => b.toString(16).padStart(2, '0')).join('')
    return { status: response.status, length: body.byteLength, digest }
  })
}

// Where the kill lands, as bytes written since the overwrite began over the new file's size: 0.5 is
// halfway through the new bytes; 1.25 is a quarter into a second copy of them (a swap that copies).
for (const written of [0.5, 1.25]) {
  test(`a cache:// overwrite killed ${written}x its size into the write leaves one whole version`, async () => {
    test.setTimeout(60_000)
    const profile = mkdtempSync(join(tmpdir(), 'swasgi-crash-'))
    let browser: Awaited<ReturnType<typeof launch>> | undefined
    try {
      browser = await launch(profile)
      const { page } = browser
      const versions = await page.evaluate(
        async ({ path, newSize }) => {
          const pattern = (size: number, seed: number) => {
            const bytes = new Uint8Array(size)
            for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096 + seed) % 251
            return bytes
          }
          const hex = async (bytes: Uint8Array<ArrayBuffer>) =>
            Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('')
          const v1 = pattern(1 << 20, 1)
          await window.putFile(path, v1)
          const v2 = pattern(newSize, 2)
          ;(window as unknown as { v2: Blob }).v2 = new Blob([v2])
          return { v1: { length: v1.byteLength, digest: await hex(v1) }, v2: { length: v2.byteLength, digest: await hex(v2) } }
        },
        { path: PATH, newSize: NEW_SIZE },
      )
      expect(await served(page)).toEqual({ status: 200, ...versions.v1 })

      const dir = join(profile, 'Default', 'Service Worker', 'CacheStorage')
      const before = diskUsage(dir)
      let finished = false
      const writing = page
        .evaluate((path) => window.putFile(path, (window as unknown as { v2: Blob }).v2).then(() => 'done'), PATH)
        .catch(() => 'killed')
        .finally(() => (finished = true))
      while (!finished && diskUsage(dir) - before < written * NEW_SIZE) await new Promise((r) => setTimeout(r, 5))
      await killed(browser.child)
      // The kill must land inside the write, or this test proves nothing.
      expect(await writing).toBe('killed')

      browser = await launch(profile)
      expect([versions.v1, versions.v2].map((v) => ({ status: 200, ...v }))).toContainEqual(await served(browser.page))
    } finally {
      if (browser) await closed(browser)
      rmSync(profile, { recursive: true, force: true })
    }
  })
}
