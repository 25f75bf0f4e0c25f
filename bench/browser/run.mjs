// The browser benchmark: swasgi against a hand-written worker and its peers, side by side in one
// headless browser run (`npm run bench -- --browser [--only bare,swasgi] [--rounds 5] [--engine firefox]`).
//
// Each implementation (bench/browser/impl/<name>/) is built minified for production with Vite,
// served from its own 127.0.0.1 port and run in a fresh browser profile per round; the page code
// that drives and checks them (shared/page.ts) is the same for all. Rounds are interleaved (the
// order rotates), every figure is the median over rounds, and ratios are to `bare` from the same run.
import { createServer } from 'node:http'
import { readFile, stat, mkdir, writeFile, rm, mkdtemp } from 'node:fs/promises'
import { tmpdir, cpus, totalmem, platform, release } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { execFileSync } from 'node:child_process'
import { build } from 'vite'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-browser.mjs'
import { startFirefox } from '../../scripts/start-firefox.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const repo = join(here, '..', '..')
const resultsDir = join(repo, 'bench', 'results')
const buildDir = join(resultsDir, 'build')

const ALL = ['bare', 'swasgi', 'swasgi-nojar', 'msw', 'hono', 'workbox']
// Not run by default (--only): swasgi without a string match, before and after navigation preload.
const EXTRA = ['swasgi-routes', 'swasgi-preload']
const ENGINES = ['chromium', 'firefox']
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'
const SEQUENTIAL = 2000
const CONCURRENT = 2000
const FILE_READS = 3
const STREAM_READS = 30
// Cold starts per round: each stops the worker and times one fetch, then stops it and times one navigation.
const COLD_REPS = 7
const PHASE_TIMEOUT = 120_000
const MiB = 1024 * 1024

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const options = { only: ALL, rounds: 5, out: null, engine: 'chromium', coldOnly: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const [, inline] = arg.split('=')
      if (inline !== undefined) return inline
      if (i + 1 >= argv.length) usage(`${arg} needs a value`)
      return argv[++i]
    }
    if (arg.startsWith('--only')) options.only = value().split(',').map((s) => s.trim()).filter(Boolean)
    else if (arg.startsWith('--rounds')) options.rounds = Number(value())
    else if (arg.startsWith('--out')) options.out = value()
    else if (arg.startsWith('--engine')) options.engine = value()
    else if (arg === '--cold-only') options.coldOnly = true
    else if (arg === '--parts') options.parts = options.coldOnly = true
    else if (arg === '--help' || arg === '-h') usage()
    else usage(`unknown option ${arg}`)
  }
  const unknown = options.only.filter((name) => !ALL.includes(name) && !EXTRA.includes(name))
  if (unknown.length) usage(`unknown implementation(s) ${unknown.join(', ')}; choose from ${[...ALL, ...EXTRA].join(', ')}`)
  if (!Number.isInteger(options.rounds) || options.rounds < 1) usage('--rounds must be a positive integer')
  if (!ENGINES.includes(options.engine)) usage(`unknown engine ${options.engine}; choose from ${ENGINES.join(', ')}`)
  options.out ??= join(resultsDir, options.engine === 'chromium' ? 'browser.json' : `browser-${options.engine}.json`)
  // Keep the table's column order, whatever order --only lists them in.
  options.only = [...ALL, ...EXTRA].filter((name) => options.only.includes(name))
  return options
}

function usage(problem) {
  if (problem) console.error(`bench/browser: ${problem}`)
  console.error(`usage: node bench/browser/run.mjs [--only ${ALL.join(',')}] [--rounds 5] [--engine ${ENGINES.join('|')}] [--cold-only] [--out bench/results/browser.json]
  --engine firefox   runs the same scenarios in Firefox (${FIREFOX}, or FIREFOX_PATH) through puppeteer-core; no heap rows there
  --cold-only        only the start-up, correctness checks and cold-start scenarios (quick)
  --parts            --cold-only, with each worker timing its own start-up parts (Chromium; instrumented builds)`)
  process.exit(problem ? 2 : 0)
}

// ---------------------------------------------------------------------------------------------
// Build

const define = { 'process.env.NODE_ENV': JSON.stringify('production') }

/** What every bench build shares: no config file, production mode, NODE_ENV defined. */
const productionBuild = (root) => ({ configFile: false, root, mode: 'production', logLevel: 'warn', publicDir: false, define })

/** One iife script, minified, as a worker (or MSW's page side) ships it. */
async function buildScript(root, entry, outDir, fileName, extra = {}) {
  const built = await build({
    ...productionBuild(root),
    ...extra,
    build: {
      outDir,
      emptyOutDir: false,
      minify: true,
      sourcemap: false,
      lib: { entry, formats: ['iife'], name: 'benchScript', fileName: () => fileName },
    },
  })
  const chunk = (Array.isArray(built) ? built[0] : built).output[0]
  // What each module weighs in the bundle before minification (the rendered code), largest first.
  const modules = Object.entries(chunk.modules ?? {})
    .map(([id, m]) => ({ module: id.replace(`${repo}/`, '').replace(/\0/g, ''), rendered: m.renderedLength }))
    .sort((a, b) => b.rendered - a.rendered)
  return { file: join(outDir, fileName), modules }
}

/** The page (shared driver + this implementation's start/seed) and the worker script. */
async function buildImpl(name) {
  const root = join(here, 'impl', name)
  const outDir = join(buildDir, name)
  await build({
    ...productionBuild(root),
    build: { outDir, emptyOutDir: true, minify: true, sourcemap: false },
  })
  const sizes = {}
  if (name === 'msw') {
    // MSW's worker is the script users copy with `npx msw init`; minified like the others.
    const { file: script } = await buildScript(root, join(repo, 'node_modules/msw/lib/mockServiceWorker.js'), outDir, 'mockServiceWorker.js')
    sizes.worker = await sizeOf(script)
    sizes.workerAsShipped = await sizeOf(join(repo, 'node_modules/msw/lib/mockServiceWorker.js'))
    // Its page side (msw/browser + the handlers) runs every request too: measured on its own.
    const { file: side, modules } = await buildScript(root, join(root, 'mocks.ts'), join(buildDir, 'size', name), 'mocks.js')
    sizes.pageSide = { ...(await sizeOf(side)), modules }
  } else {
    const { file, modules } = await buildScript(root, join(root, 'sw.ts'), outDir, 'sw.js')
    sizes.worker = { ...(await sizeOf(file)), modules }
    if (options.parts) await addParts(file)
  }
  if (name === 'swasgi') {
    // What the media-type table and the cookie jar weigh: the same worker without them, and with
    // mime/lite's standard table in place of the web table, for comparison (size only; never run).
    const tableStub = { find: /^.*\/mediatypes\/web\.js$/, replacement: join(here, 'shared/mediatypes-web-stub.ts') }
    const mimeTable = { find: /^.*\/mediatypes\/web\.js$/, replacement: join(here, 'shared/mediatypes-web-mime.ts') }
    const jarStub = { find: /^.*\/cookie-jar\.js$/, replacement: join(here, 'shared/cookie-jar-stub.ts') }
    const variants = [
      ['workerWithMimeLite', [mimeTable]],
      ['workerWithoutTable', [tableStub]],
      ['workerWithoutCookieJar', [jarStub]],
      ['workerWithoutTableOrCookieJar', [tableStub, jarStub]],
    ]
    for (const [key, alias] of variants) {
      const { file } = await buildScript(root, join(root, 'sw.ts'), join(buildDir, 'size', key), 'sw.js', { resolve: { alias } })
      sizes[key] = await sizeOf(file)
    }
  }
  return sizes
}

/** With --parts: the banner and footer that time the parts of a cold start inside the worker, around the built script. */
async function addParts(file) {
  const [banner, footer] = await Promise.all(['parts-banner.js', 'parts-footer.js'].map((f) => readFile(join(here, 'shared', f), 'utf8')))
  await writeFile(file, `${banner};\n${await readFile(file, 'utf8')};\n${footer}`)
}

async function sizeOf(file) {
  const bytes = await readFile(file)
  return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

// ---------------------------------------------------------------------------------------------
// Static servers, one origin each

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.json': 'application/json' }

function serveDir(dir) {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://x')
    const path = normalize(join(dir, decodeURIComponent(url.pathname)))
    if (!path.startsWith(dir)) return void response.writeHead(403).end()
    try {
      const file = (await stat(path)).isDirectory() ? join(path, 'index.html') : path
      const body = await readFile(file)
      // Cross-origin isolated, so that performance.now() has 5 µs resolution rather than 100 µs.
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      })
      response.end(body)
    } catch {
      // /bench/* reaching the network means the worker did not answer: the page's checks fail on the 404.
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found (from the network)')
    }
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

// ---------------------------------------------------------------------------------------------
// DevTools protocol: the worker's heap

/** Attaches to the origin's service worker through the page's CDP session (non-flat mode). */
async function attachWorker(cdp, origin) {
  const { targetInfos } = await cdp.send('Target.getTargets')
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(origin))
  if (!target) throw new Error(`no service worker target for ${origin}`)
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })
  let nextId = 0
  const pending = new Map()
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return
    const message = JSON.parse(event.message)
    const waiter = message.id && pending.get(message.id)
    if (!waiter) return
    pending.delete(message.id)
    if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`))
    else waiter.resolve(message.result)
  })
  return {
    send(method, params = {}) {
      const id = ++nextId
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, method })
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject)
      })
    },
    detach: () => cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {}),
  }
}

/** JS heap plus ArrayBuffer backing stores (where streamed chunks live), in bytes. */
async function heapOf(session) {
  const usage = await session.send('Runtime.getHeapUsage')
  return { used: usage.usedSize, backing: usage.backingStorageSize ?? 0, total: usage.usedSize + (usage.backingStorageSize ?? 0) }
}

/**
 * Growth of each heap over a collected baseline while `action` runs, sampled as fast as the
 * protocol answers. `live: false` keeps the raw peak (garbage included: it shows how much passes
 * through JavaScript before a GC); `live: true` collects garbage before every sample, so the peak is
 * what the worker actually holds (a buffered body shows up here, streamed chunks do not).
 */
async function heapGrowthDuring(sessions, action, { live }) {
  const names = Object.keys(sessions)
  const base = {}
  for (const name of names) {
    await sessions[name].send('HeapProfiler.collectGarbage').catch(() => {})
    base[name] = await heapOf(sessions[name])
  }
  const peak = Object.fromEntries(names.map((name) => [name, { ...base[name] }]))
  let done = false
  const running = action().finally(() => (done = true))
  let samples = 0
  while (!done) {
    for (const name of names) {
      if (live) await sessions[name].send('HeapProfiler.collectGarbage').catch(() => {})
      const now = await heapOf(sessions[name]).catch(() => null)
      if (!now) continue
      for (const key of ['used', 'backing', 'total']) peak[name][key] = Math.max(peak[name][key], now[key])
    }
    samples++
    // A forced GC stops the worker; in live mode leave it time to stream between samples.
    await new Promise((resolve) => setTimeout(resolve, live ? 20 : 2))
  }
  await running
  const growth = {}
  for (const name of names) {
    growth[name] = { growth: peak[name].total - base[name].total, usedGrowth: peak[name].used - base[name].used, backingGrowth: peak[name].backing - base[name].backing, base: base[name].total }
  }
  return { ...growth, samples }
}

// ---------------------------------------------------------------------------------------------
// Browsers: the same page API over Playwright (Chromium) and puppeteer-core (Firefox)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Headless Chromium on `profile`; stops workers through the DevTools protocol. */
async function openChromium(profile) {
  const context = await chromium.launchPersistentContext(profile, { executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true })
  const page = context.pages()[0] ?? (await context.newPage())
  let cdp = null
  const status = new Map()
  return {
    page,
    onPageError: (listener) => page.on('pageerror', listener),
    newCDPSession: () => context.newCDPSession(page),
    /** ServiceWorker.stopAllWorkers, then waits until every version reports `stopped`. */
    async stopWorker() {
      if (!cdp) {
        cdp = await context.newCDPSession(page)
        cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
          for (const v of versions) status.set(v.versionId, v.runningStatus)
        })
        await cdp.send('ServiceWorker.enable')
      }
      await cdp.send('ServiceWorker.stopAllWorkers')
      const deadline = Date.now() + 10_000
      while ([...status.values()].some((s) => s !== 'stopped')) {
        if (Date.now() > deadline) throw new Error('the worker did not stop within 10 s')
        await sleep(5)
      }
      await sleep(100) // let the browser settle after the stop
    },
    close: () => context.close(),
  }
}

// Firefox stops an idle worker after dom.serviceWorkers.idle_timeout (30 s by default, plus as much
// again when something is pending); the cold-start phase shortens both and waits them out, which
// is how a user's Firefox stops it, only sooner.
const FIREFOX_IDLE_MS = 300
const FIREFOX_COLD_PREFS = { 'dom.serviceWorkers.idle_timeout': FIREFOX_IDLE_MS, 'dom.serviceWorkers.idle_extended_timeout': FIREFOX_IDLE_MS }

/** Headless Firefox on `profile`, started as a user would start it, with puppeteer-core connected over WebDriver BiDi. */
async function openFirefox(profile, { cold = false } = {}) {
  const { browser, stop } = await startFirefox(FIREFOX, profile, cold ? FIREFOX_COLD_PREFS : {})
  try {
    const page = (await browser.pages())[0] ?? (await browser.newPage())
    return {
      page: {
        goto: (url) => page.goto(url, { waitUntil: 'load' }),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
      },
      onPageError: (listener) => page.on('pageerror', listener),
      newCDPSession: null,
      async stopWorker() {
        if (!cold) throw new Error('open Firefox with { cold: true } to stop workers')
        await sleep(3 * FIREFOX_IDLE_MS + 300)
      },
      async close() {
        await browser.disconnect().catch(() => {})
        await stop()
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// One implementation, one round, one fresh profile

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000} s`)), ms)))]).finally(() =>
    clearTimeout(timer),
  )
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b)
  if (!sorted.length) return null
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const errorText = (error) => String(error?.message ?? error).split('\n')[0].replace(/^page\.evaluate: (Error: )?/, '')

/** What the navigation to the worker's page took, from the page's own Navigation Timing entry. */
function navigationTiming() {
  const entry = performance.getEntriesByType('navigation')[0]
  return {
    answered: document.getElementById('answered-by-the-worker') !== null,
    // ms from the start of the navigation: first byte of the page, and when the worker started (or got the event).
    responseStart: entry.responseStart - entry.startTime,
    responseEnd: entry.responseEnd - entry.startTime,
    workerStart: entry.workerStart ? entry.workerStart - entry.startTime : null,
  }
}

/**
 * The cold-start scenario: COLD_REPS times, stop the worker and time the page's next fetch (fetch
 * + json()); stop it again and navigate to the worker's HTML page, timed by Navigation Timing
 * (start of the navigation to the first byte). The runner then goes back to the bench page.
 */
async function coldStarts(browser, origin) {
  const { page } = browser
  const fetches = []
  const navigations = []
  const networkNavigations = []
  const errors = {}
  const parts = []
  const navParts = []
  for (let i = 0; i < COLD_REPS; i++) {
    await browser.stopWorker()
    try {
      fetches.push(await page.evaluate(() => window.bench.coldFetch()))
      if (options.parts && browser.newCDPSession) parts.push(await workerParts(browser, origin))
    } catch (error) {
      errors.fetch = errorText(error)
    }
    await browser.stopWorker()
    await page.goto(`${origin}/bench/page`)
    const nav = await page.evaluate(navigationTiming)
    if (nav.answered && options.parts && browser.newCDPSession) navParts.push(await workerParts(browser, origin))
    if (nav.answered) navigations.push(nav)
    else errors.bypassed = true // MSW's worker leaves navigations to the network by design: n/a, not an error
    // Chromium: back to the bench page, which every worker leaves to the server, from a stopped worker
    // too (Firefox stops a worker by restarting the browser: that would add a restart per repetition).
    if (options.engine === 'chromium') await browser.stopWorker()
    await page.goto(`${origin}/`)
    if (options.engine === 'chromium') networkNavigations.push(await page.evaluate(navigationTiming))
    await page.evaluate(() => window.bench.ready())
  }
  return { fetches, navigations, networkNavigations, errors, parts, navParts }
}

/** The worker's own record of its start (see shared/parts-banner.js), through the DevTools protocol. */
async function workerParts(browser, origin) {
  const cdp = await browser.newCDPSession()
  const worker = await attachWorker(cdp, origin)
  try {
    const { result } = await worker.send('Runtime.evaluate', { expression: 'JSON.stringify(self.__parts)', returnByValue: true })
    return JSON.parse(result.value)
  } finally {
    await worker.detach()
    await cdp.detach().catch(() => {})
  }
}

async function runOne(name, origin, engine, coldOnly) {
  const profile = await mkdtemp(join(tmpdir(), `swasgi-bench-${name}-`))
  const launched = Date.now()
  const open = engine === 'firefox' ? openFirefox : openChromium
  let browser = await open(profile)
  const result = { errors: {}, pageErrors: [] }
  result.phaseSeconds = {}
  const scenario = async (key, fn) => {
    const t0 = Date.now()
    try {
      return await withTimeout(fn(), PHASE_TIMEOUT, key)
    } catch (error) {
      result.errors[key] = errorText(error)
      return undefined
    } finally {
      result.phaseSeconds[key] = (Date.now() - t0) / 1000
    }
  }
  try {
    let page = browser.page
    browser.onPageError((error) => result.pageErrors.push(errorText(error)))
    await page.goto(`${origin}/`)
    result.userAgent = await page.evaluate(() => navigator.userAgent)
    await withTimeout(page.evaluate(() => window.bench.ready()), 30_000, 'start')
    result.seedMs = await withTimeout(page.evaluate(() => window.bench.seed()), PHASE_TIMEOUT, 'seed')
    result.phaseSeconds.startAndSeed = (Date.now() - launched) / 1000

    // Correctness first: a route whose answer is wrong gets an error, never a number.
    const ok = {}
    for (const route of ['json', 'fileCache', 'fileIdb', 'stream']) {
      ok[route] = (await scenario(`verify ${route}`, () => page.evaluate((r) => window.bench.verify(r), route))) !== undefined
    }
    if (ok.json && !coldOnly) {
      await scenario('warm-up', async () => {
        await page.evaluate(() => window.bench.sequential(100))
        await page.evaluate(() => window.bench.concurrent(100))
      })
      const times = await scenario('sequential', () => page.evaluate((n) => window.bench.sequential(n), SEQUENTIAL))
      if (times) Object.assign(result, { seqMedian: median(times), seqP99: percentile(times, 99) })
      result.concurrent = await scenario('concurrent', () => page.evaluate((n) => window.bench.concurrent(n), CONCURRENT))
    }
    for (const [store, route, key] of [['cache', 'fileCache', 'fileCacheMBs'], ['idb', 'fileIdb', 'fileIdbMBs']]) {
      if (!ok[route] || coldOnly) continue
      const rates = await scenario(`file ${store}`, () => page.evaluate(([s, n]) => window.bench.file(s, n), [store, FILE_READS]))
      if (rates) Object.assign(result, { [key]: median(rates), [`${key}Reads`]: rates })
    }
    if (ok.stream && !coldOnly) {
      const runs = await scenario('stream', () => page.evaluate((n) => window.bench.stream(n), STREAM_READS))
      if (runs) Object.assign(result, { streamFirst: median(runs.map((r) => r.first)), streamTotal: median(runs.map((r) => r.total)) })
    }
    // Heap after the timings, so that the debugger being attached cannot touch them (Chromium only).
    if ((ok.fileCache || ok.fileIdb) && browser.newCDPSession && !coldOnly) {
      await scenario('heap', async () => {
        const cdp = await browser.newCDPSession()
        const worker = await attachWorker(cdp, origin)
        try {
          for (const [store, route] of [['cache', 'fileCache'], ['idb', 'fileIdb']]) {
            if (!ok[route]) continue
            const read = () => page.evaluate((s) => window.bench.file(s, 1), store)
            result[`heap_${store}`] = await heapGrowthDuring({ worker, page: cdp }, read, { live: false })
            result[`live_${store}`] = await heapGrowthDuring({ worker }, read, { live: true })
          }
        } finally {
          await worker.detach()
          await cdp.detach().catch(() => {})
        }
      })
    }
    // Cold starts last: they navigate away from the seeded page. Firefox needs a restart with short idle timeouts.
    if (ok.json) {
      await scenario('cold', async () => {
        if (engine === 'firefox') {
          await browser.close()
          browser = await openFirefox(profile, { cold: true })
          page = browser.page
          await page.goto(`${origin}/`)
          await page.evaluate(() => window.bench.ready())
        }
        const { fetches, navigations, networkNavigations, errors, parts, navParts } = await coldStarts(browser, origin)
        const partsOf = (list) => {
          const part = (fn) => median(list.map(fn))
          return {
            // How many of the starts had their first Cookie Store set() refused (swasgi's probe then fails).
            cookieStoreRefused: list.filter((p) => p.cookieStoreRefused).length,
            starts: list.length,
            toScript: part((p) => p.scriptStart),
            script: part((p) => p.scriptEnd - p.scriptStart),
            toEvent: part((p) => p.event - p.scriptEnd),
            handler: part((p) => p.response - p.event),
            // The first IndexedDB open / read / Cookie Store read: when it began (from the worker's start) and how long it took.
            ...Object.fromEntries(
              ['idbOpen', 'idbGet', 'cookieStoreSet', 'cookieStoreGetAll', 'cookieStoreDelete', 'clientsGet'].flatMap((key) => [
                [`${key}At`, part((p) => p[key]?.[0])],
                [key, part((p) => (p[key]?.length === 2 ? p[key][1] - p[key][0] : null))],
              ]),
            ),
          }
        }
        if (parts.length) result.coldParts = partsOf(parts)
        if (navParts.length) result.coldNavParts = partsOf(navParts)
        if (errors.fetch) result.errors['cold fetch'] = errors.fetch
        result.coldNavBypassed = errors.bypassed === true
        Object.assign(result, {
          coldFetch: median(fetches),
          coldNav: median(navigations.map((n) => n.responseStart)),
          coldNavWorkerStart: median(navigations.map((n) => n.workerStart)),
          coldNetworkNav: median(networkNavigations.map((n) => n.responseStart)),
          coldFetches: fetches,
          coldNavigations: navigations,
        })
      })
    }
  } catch (error) {
    result.errors.run = errorText(error)
  } finally {
    await browser.close().catch(() => {})
    await rm(profile, { recursive: true, force: true }).catch(() => {})
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Report

/** The table's rows: key in the summary, label, unit, whether bigger is better, digits. */
const ROWS = [
  { key: 'seqMedian', label: `sequential fetch+json, median (ms/req, ${SEQUENTIAL.toLocaleString('en')})`, digits: 3 },
  { key: 'seqP99', label: 'sequential fetch+json, p99 (ms/req)', digits: 3 },
  { key: 'concurrent', label: `concurrent ${CONCURRENT.toLocaleString('en')} fetch+json, total (ms)`, digits: 0 },
  { key: 'fileCacheMBs', label: '64 MiB file from Cache Storage (MB/s)', digits: 0, higher: true },
  { key: 'fileIdbMBs', label: '64 MiB file from IndexedDB (MB/s)', digits: 0, higher: true },
  { key: 'streamFirst', label: '1,000 x 1 KiB stream, first chunk (ms)', digits: 2 },
  { key: 'streamTotal', label: '1,000 x 1 KiB stream, total (ms)', digits: 1 },
  { key: 'coldFetch', label: `cold start: first fetch+json after the worker stopped, median (ms, ${COLD_REPS}/round)`, digits: 2 },
  { key: 'coldNav', label: 'cold start: navigation to a worker-made page, first byte, median (ms)', digits: 2 },
  { key: 'coldNavWorkerStart', label: '  of which before the worker started (Navigation Timing workerStart, ms)', digits: 2, noRatio: true },
  { key: 'coldNetworkNav', label: 'cold start: navigation to a page the worker leaves to the server, first byte, median (ms; Chromium)', digits: 2 },
  { key: 'heapWorkerCache', label: 'worker heap, peak growth, Cache Storage file (MiB)', digits: 2, noRatio: true },
  { key: 'heapWorkerIdb', label: 'worker heap, peak growth, IndexedDB file (MiB)', digits: 2, noRatio: true },
  { key: 'liveWorkerCache', label: 'worker heap, live growth (GC before each sample), Cache Storage file (MiB)', digits: 2, noRatio: true },
  { key: 'liveWorkerIdb', label: 'worker heap, live growth (GC before each sample), IndexedDB file (MiB)', digits: 2, noRatio: true },
  { key: 'workerMin', label: 'worker script, minified (KB)', digits: 1 },
  { key: 'workerGzip', label: 'worker script, gzipped (KB)', digits: 2 },
  { key: 'pageSideGzip', label: 'page-side library, gzipped (KB; MSW only)', digits: 2 },
  { key: 'totalGzip', label: 'everything that runs per request, gzipped (KB)', digits: 2 },
]

function summarize(rounds, sizes) {
  const pick = (key, fn = (r) => r[key]) => median(rounds.map((r) => fn(r)).filter((v) => v != null))
  const summary = {
    seqMedian: pick('seqMedian'),
    seqP99: pick('seqP99'),
    concurrent: pick('concurrent'),
    fileCacheMBs: pick('fileCacheMBs'),
    fileIdbMBs: pick('fileIdbMBs'),
    streamFirst: pick('streamFirst'),
    streamTotal: pick('streamTotal'),
    coldFetch: pick('coldFetch'),
    coldNav: pick('coldNav'),
    coldNavWorkerStart: pick('coldNavWorkerStart'),
    coldNetworkNav: pick('coldNetworkNav'),
    heapWorkerCache: pick('', (r) => r.heap_cache && r.heap_cache.worker.growth / MiB),
    heapWorkerIdb: pick('', (r) => r.heap_idb && r.heap_idb.worker.growth / MiB),
    liveWorkerCache: pick('', (r) => r.live_cache && r.live_cache.worker.growth / MiB),
    liveWorkerIdb: pick('', (r) => r.live_idb && r.live_idb.worker.growth / MiB),
    heapPageCache: pick('', (r) => r.heap_cache && r.heap_cache.page.growth / MiB),
    heapPageIdb: pick('', (r) => r.heap_idb && r.heap_idb.page.growth / MiB),
    workerMin: sizes.worker.minified / 1000,
    workerGzip: sizes.worker.gzip / 1000,
    pageSideGzip: sizes.pageSide ? sizes.pageSide.gzip / 1000 : null,
    totalGzip: (sizes.worker.gzip + (sizes.pageSide?.gzip ?? 0)) / 1000,
  }
  return summary
}

function table(names, summaries, errors) {
  const head = `| scenario | ${names.join(' | ')} |`
  const rule = `|---|${names.map(() => '---:').join('|')}|`
  const lines = [head, rule]
  for (const row of ROWS) {
    const baseline = summaries.bare?.[row.key]
    const cells = names.map((name) => {
      const value = summaries[name][row.key]
      if (value == null) return errors[name]?.[row.key] ? 'error' : 'n/a'
      const text = value.toFixed(row.digits)
      if (name === 'bare' || row.noRatio || baseline == null || baseline === 0) return text
      return `${text} (${(value / baseline).toFixed(2)}×)`
    })
    lines.push(`| ${row.label} | ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** The issue's targets, swasgi against bare from this run. */
function targets(summaries) {
  const s = summaries.swasgi
  const b = summaries.bare
  if (!s) return []
  const ratio = (key) => (b && s[key] != null && b[key] ? s[key] / b[key] : null)
  const checks = [
    { target: 'sequential median ≤ 1.10 × bare', value: ratio('seqMedian'), ok: (v) => v <= 1.1 },
    { target: 'concurrent total ≤ 1.10 × bare', value: ratio('concurrent'), ok: (v) => v <= 1.1 },
    { target: 'Cache Storage file MB/s ≥ 0.90 × bare', value: ratio('fileCacheMBs'), ok: (v) => v >= 0.9 },
    { target: 'IndexedDB file MB/s ≥ 0.90 × bare', value: ratio('fileIdbMBs'), ok: (v) => v >= 0.9 },
    { target: 'worker heap peak growth < 4 MiB (Cache Storage)', value: s.heapWorkerCache, ok: (v) => v < 4, unit: 'MiB' },
    { target: 'worker heap peak growth < 4 MiB (IndexedDB)', value: s.heapWorkerIdb, ok: (v) => v < 4, unit: 'MiB' },
    { target: 'worker heap live growth < 4 MiB (Cache Storage)', value: s.liveWorkerCache, ok: (v) => v < 4, unit: 'MiB' },
    { target: 'worker heap live growth < 4 MiB (IndexedDB)', value: s.liveWorkerIdb, ok: (v) => v < 4, unit: 'MiB' },
    { target: 'stream first chunk ≤ 1.30 × bare', value: ratio('streamFirst'), ok: (v) => v <= 1.3 },
    { target: 'cold start, first fetch ≤ 1.20 × bare', value: ratio('coldFetch'), ok: (v) => v <= 1.2 },
    { target: 'cold start, navigation ≤ 1.20 × bare', value: ratio('coldNav'), ok: (v) => v <= 1.2 },
    { target: 'stream total ≤ 1.20 × bare', value: ratio('streamTotal'), ok: (v) => v <= 1.2 },
    { target: 'worker bundle ≤ 9.5 KB gzipped', value: s.workerGzip, ok: (v) => v <= 9.5, unit: 'KB' },
  ]
  if (summaries.hono) checks.push({ target: 'worker bundle smaller than Hono’s', value: s.workerGzip / summaries.hono.workerGzip, ok: (v) => v < 1 })
  return checks.map((c) => ({ target: c.target, value: c.value, unit: c.unit ?? '×', pass: c.value == null ? null : c.ok(c.value) }))
}

function browserVersion(engine) {
  try {
    return execFileSync(engine === 'firefox' ? FIREFOX : (findChromium() ?? chromium.executablePath()), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------------
// Main

const options = parseArgs(process.argv.slice(2))
const names = options.only
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`

console.log(`browser bench (${options.engine}${options.coldOnly ? ', cold starts only' : ''}): ${names.join(', ')}; ${options.rounds} round(s)`)
await mkdir(buildDir, { recursive: true })
const sizes = {}
for (const name of names) sizes[name] = await buildImpl(name)
console.log(`built (${elapsed()})`)

const servers = {}
const origins = {}
for (const name of names) {
  servers[name] = await serveDir(join(buildDir, name))
  origins[name] = `http://127.0.0.1:${servers[name].address().port}`
}

const runs = Object.fromEntries(names.map((name) => [name, []]))
try {
  for (let round = 0; round < options.rounds; round++) {
    // Interleaved, and the order rotates so that no implementation always goes first.
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order) {
      const result = await runOne(name, origins[name], options.engine, options.coldOnly)
      runs[name].push(result)
      const problems = Object.entries(result.errors).map(([k, v]) => `${k}: ${v}`)
      const brief = [
        result.seqMedian != null && `seq ${result.seqMedian.toFixed(3)} ms`,
        result.concurrent != null && `conc ${result.concurrent.toFixed(0)} ms`,
        result.fileCacheMBs != null && `cache ${result.fileCacheMBs.toFixed(0)} MB/s`,
        result.fileIdbMBs != null && `idb ${result.fileIdbMBs.toFixed(0)} MB/s`,
        result.streamTotal != null && `stream ${result.streamFirst.toFixed(2)}/${result.streamTotal.toFixed(1)} ms`,
        result.coldFetch != null && `cold fetch ${result.coldFetch.toFixed(1)} ms`,
        result.coldNav != null && `cold nav ${result.coldNav.toFixed(1)} ms`,
        result.coldNetworkNav != null && `cold network nav ${result.coldNetworkNav.toFixed(1)} ms`,
        result.coldParts && `parts: ${Object.entries(result.coldParts).map(([k, v]) => `${k} ${v?.toFixed(2)}`).join(', ')} ms`,
        result.heap_cache && `heap ${(result.heap_cache.worker.growth / MiB).toFixed(2)}/${((result.heap_idb?.worker.growth ?? NaN) / MiB).toFixed(2)} MiB`,
      ].filter(Boolean)
      console.log(`round ${round + 1}/${options.rounds} ${name.padEnd(8)} ${brief.join(', ')}${problems.length ? `  ERRORS: ${problems.join('; ')}` : ''} (${elapsed()})`)
    }
  }
} finally {
  for (const server of Object.values(servers)) server.close()
}

const summaries = {}
const errors = {}
for (const name of names) {
  summaries[name] = summarize(runs[name], sizes[name])
  // A cell is an error when any round failed that scenario (and no round produced a number).
  const failed = (key) => runs[name].some((r) => Object.keys(r.errors).some((k) => k.includes(key) || k === 'run'))
  errors[name] = {
    seqMedian: failed('json') || failed('sequential'),
    seqP99: failed('json') || failed('sequential'),
    concurrent: failed('json') || failed('concurrent'),
    fileCacheMBs: failed('fileCache') || failed('file cache'),
    fileIdbMBs: failed('fileIdb') || failed('file idb'),
    streamFirst: failed('stream'),
    streamTotal: failed('stream'),
    coldFetch: failed('cold'),
    coldNav: failed('cold'),
    coldNetworkNav: failed('cold'),
    heapWorkerCache: failed('heap') || failed('fileCache'),
    heapWorkerIdb: failed('heap') || failed('fileIdb'),
    liveWorkerCache: failed('heap') || failed('fileCache'),
    liveWorkerIdb: failed('heap') || failed('fileIdb'),
  }
}

const userAgent = Object.values(runs).flat().find((r) => r.userAgent)?.userAgent ?? null
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}`
const meta = { date: new Date().toISOString(), machine, engine: options.engine, browser: browserVersion(options.engine), userAgent, node: process.version, rounds: options.rounds, implementations: names, durationSeconds: (Date.now() - started) / 1000 }
const checks = targets(summaries)

console.log(`\n## Browser benchmark (${meta.date.slice(0, 10)}; ${meta.browser ?? userAgent}; ${machine})\n`)
console.log(`Median of ${options.rounds} interleaved round(s), each in a fresh profile; (×) is the ratio to bare from the same run.\n`)
console.log(table(names, summaries, errors))
if (checks.length) {
  console.log('\nTargets (swasgi against bare, this run):\n')
  for (const c of checks) console.log(`- ${c.pass == null ? '?' : c.pass ? 'pass' : 'MISS'}  ${c.target}: ${c.value == null ? 'n/a' : `${c.value.toFixed(2)}${c.unit === '×' ? '×' : ` ${c.unit}`}`}`)
}
if (sizes.swasgi?.workerWithoutTable) {
  const gz = (key) => `${(sizes.swasgi[key].gzip / 1000).toFixed(2)} KB gzipped`
  console.log(`\nswasgi worker with mime/lite's table instead of the web table: ${gz('workerWithMimeLite')}; without any media-type table: ${gz('workerWithoutTable')}; without the cookie jar: ${gz('workerWithoutCookieJar')}; without both: ${gz('workerWithoutTableOrCookieJar')} (size experiments, not run).`)
  const modules = sizes.swasgi.worker.modules
  const all = modules.reduce((sum, m) => sum + m.rendered, 0)
  console.log(`swasgi worker by module (rendered, before minification): ${modules.slice(0, 12).map((m) => `${m.module} ${((100 * m.rendered) / all).toFixed(0)}%`).join(', ')}`)
}
if (options.parts) {
  console.log('\nCold-start parts inside the worker (ms, median over rounds of each round\'s median): to script = worker start to the first line of the script; script = evaluating it; to event = until the fetch event; handler = until respondWith\'s promise resolved.\n')
  console.log('| implementation, request | to script | script | to event | handler | starts whose first Cookie Store set() was refused |\n|---|---:|---:|---:|---:|---:|')
  for (const name of names) {
    for (const [what, key] of [['fetch', 'coldParts'], ['navigation', 'coldNavParts']]) {
      const part = (p) => median(runs[name].map((r) => r[key]?.[p]))?.toFixed(2) ?? 'n/a'
      const total = (p) => runs[name].reduce((sum, r) => sum + (r[key]?.[p] ?? 0), 0)
      console.log(`| ${name}, ${what} | ${part('toScript')} | ${part('script')} | ${part('toEvent')} | ${part('handler')} | ${total('cookieStoreRefused')} of ${total('starts')} |`)
    }
  }
}
if (sizes.msw) console.log(`MSW's mockServiceWorker.js as shipped (unminified): ${(sizes.msw.workerAsShipped.gzip / 1000).toFixed(2)} KB gzipped.`)
const allErrors = names.flatMap((name) => runs[name].flatMap((r, i) => [...Object.entries(r.errors).map(([k, v]) => `${name} round ${i + 1}: ${k}: ${v}`), ...r.pageErrors.map((e) => `${name} round ${i + 1}: page error: ${e}`)]))
if (allErrors.length) console.log(`\nErrors:\n${allErrors.map((e) => `- ${e}`).join('\n')}`)
console.log(`\n(${elapsed()} in all)`)

await mkdir(resultsDir, { recursive: true })
await writeFile(options.out, `${JSON.stringify({ meta, summaries, sizes, targets: checks, runs }, null, 2)}\n`)
console.log(`wrote ${options.out}`)
if (allErrors.length) process.exitCode = 1
