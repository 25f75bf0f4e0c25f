// Stream overhead inside one worker: `node bench/browser/same-worker/run.mjs [rounds]`.
// The main browser benchmark gives each implementation its own worker and origin; this one puts
// bare, handle() and handle() with the cookie jar in the same worker, so per-chunk cost is told
// apart from per-request cost and from the differences between separate worker processes.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { build } from 'vite'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../../../scripts/find-browser.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const outDir = join(here, '..', '..', 'results', 'build', 'same-worker')
const rounds = Number(process.argv[2] ?? 60)
const VARIANTS = ['bare', 'handle', 'handle+jar']
const BYTES = 1000 * 1024

await build({
  configFile: false,
  root: here,
  mode: 'production',
  logLevel: 'warn',
  publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: { outDir, emptyOutDir: true, minify: true, lib: { entry: join(here, 'sw.ts'), formats: ['iife'], name: 'sameWorker', fileName: () => 'sw.js' } },
})

const files = { '/sw.js': join(outDir, 'sw.js'), '/page.js': join(here, 'page.js') }
const server = createServer(async (request, response) => {
  const file = files[request.url]
  if (file) {
    response.writeHead(200, { 'content-type': 'text/javascript' })
    response.end(await readFile(file))
  } else {
    response.writeHead(200, { 'content-type': 'text/html' })
    response.end('<!doctype html><script type="module">import { measure } from "/page.js"; window.measure = measure</script>')
  }
}).listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))

const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${server.address().port}/`)
  await page.waitForFunction(() => 'measure' in window)
  const result = await page.evaluate(([n, variants, bytes]) => window.measure(n, variants, bytes), [rounds, VARIANTS, BYTES])
  console.log(`1,000 x 1 KiB stream in one worker, median of ${rounds} alternating rounds (ms; ratio to bare)\n`)
  console.log('| variant | first chunk | total |\n|---|---:|---:|')
  for (const v of VARIANTS) {
    const { first, total } = result[v]
    console.log(`| ${v} | ${first.toFixed(2)} (${(first / result.bare.first).toFixed(2)}×) | ${total.toFixed(1)} (${(total / result.bare.total).toFixed(2)}×) |`)
  }
} finally {
  await browser.close()
  server.close()
}
