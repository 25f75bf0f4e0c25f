// Record a session against a real backend with Playwright's recordHar, stop the backend, and
// replay the same pages offline from the HAR through a swasgi worker (tests/browser/har/sw.ts).
import { test, expect } from '@playwright/test'
import { createServer, type Server } from 'node:http'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))
// This spec's own backend, beside the test server's two ports.
const port = Number(process.env.TEST_PORT ?? 4179) + 10
const backend = `http://127.0.0.1:${port}`

let dir: string
let worker: Buffer
let clip: Buffer
let server: Server

const PAGE = '<!doctype html><title>Shop</title><h1 id="title">Recorded shop</h1>'

/** The real backend: a page, a JSON API, a cookie, a media file, and the recordings directory. */
function startBackend(): Promise<void> {
  let hits = 0
  server = createServer(async (request, response) => {
    const url = new URL(request.url!, backend)
    let body = ''
    for await (const chunk of request) body += chunk
    hits++
    if (url.pathname === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
    if (url.pathname === '/sw.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(worker)
    if (url.pathname === '/api/items') {
      const items = { page: url.searchParams.get('page'), sort: url.searchParams.get('sort'), hits, servedAt: Date.now() }
      return void response.writeHead(200, { 'content-type': 'application/json', 'x-backend': 'live' }).end(JSON.stringify(items))
    }
    if (url.pathname === '/api/search') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: `${JSON.parse(body).q} found` }))
    if (url.pathname === '/api/login') return void response.writeHead(200, { 'set-cookie': 'session=s3cret; Path=/', 'content-type': 'text/plain' }).end('welcome')
    if (url.pathname === '/media/clip.webm') return void response.writeHead(200, { 'content-type': 'video/webm', etag: '"clip-v1"' }).end(clip)
    if (url.pathname.startsWith('/recordings/')) {
      const file = join(dir, basename(url.pathname))
      return void readFile(file).then(
        (bytes) => response.writeHead(200).end(bytes),
        () => response.writeHead(404).end(),
      )
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
}

function stopBackend(): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swasgi-har-'))
  clip = await readFile(join(here, 'app/public/media/clip.webm'))
  const define = { 'process.env.NODE_ENV': JSON.stringify('development') }
  const outDir = join(dir, 'build')
  await build({
    configFile: false,
    logLevel: 'warn',
    define,
    build: { outDir, emptyOutDir: true, lib: { entry: join(here, 'har/sw.ts'), formats: ['iife'], name: 'harWorker', fileName: () => 'sw.js' } },
  })
  worker = await readFile(join(outDir, 'sw.js'))
  await startBackend()
})

test.afterAll(async () => {
  if (server.listening) await stopBackend()
  await rm(dir, { recursive: true, force: true })
})

test('a session recorded with recordHar replays offline from the HAR', async ({ browser }) => {
  // 1. Record against the live backend (no worker), bodies attached as files beside the HAR.
  const recorder = await browser.newContext({ serviceWorkers: 'block', recordHar: { path: join(dir, 'session.har'), content: 'attach' } })
  const live = await recorder.newPage()
  await live.goto(`${backend}/`)
  const recorded = await live.evaluate(async () => {
    const items = await (await fetch('/api/items?page=1&sort=name')).json()
    const search = (q: string) => fetch('/api/search', { method: 'POST', body: JSON.stringify({ q }), headers: { 'content-type': 'application/json' } }).then((r) => r.json())
    await search('cats')
    await search('dogs')
    // Read every body: the recording keeps only what the page received.
    await (await fetch('/api/login')).text()
    const clip = new Uint8Array(await (await fetch('/media/clip.webm')).arrayBuffer()).length
    return { items, clip }
  })
  await recorder.close()
  expect(recorded.clip).toBe(clip.length)

  // 2. Install the worker while the backend is up: it loads the HAR and its files into Cache Storage.
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${backend}/`)
  await page.evaluate(async () => {
    await navigator.serviceWorker.register('/sw.js')
    if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
  })
  // Answered from the HAR once it is loaded (the worker waits for it).
  expect(await page.evaluate(() => fetch('/api/items?page=1&sort=name').then((r) => r.json()))).toEqual(recorded.items)

  // 3. Offline: the backend is gone, the worker answers everything the session did.
  await stopBackend()
  await page.reload()
  await expect(page.locator('#title')).toHaveText('Recorded shop')
  const offline = await page.evaluate(async () => {
    const items = await (await fetch('/api/items?sort=name&page=1')).json()
    const search = (q: string) => fetch('/api/search', { method: 'POST', body: JSON.stringify({ q }), headers: { 'content-type': 'application/json' } }).then((r) => r.json())
    const login = await (await fetch('/api/login')).text()
    const jar = await (await fetch('/local/cookies')).json()
    const range = await fetch('/media/clip.webm', { headers: { range: 'bytes=0-15' } })
    const notModified = await fetch('/media/clip.webm', { headers: { 'if-none-match': '"clip-v1"' }, cache: 'no-store' })
    const unrecorded = await fetch('/api/not-recorded').then(
      (r) => `answered ${r.status}`,
      (error: Error) => `failed: ${error.name}`,
    )
    return {
      items,
      dogs: await search('dogs'),
      cats: await search('cats'),
      login,
      jar,
      range: { status: range.status, contentRange: range.headers.get('content-range'), type: range.headers.get('content-type'), bytes: [...new Uint8Array(await range.arrayBuffer())] },
      notModified: notModified.status,
      unrecorded,
    }
  })
  expect(offline.items).toEqual(recorded.items)
  expect(offline.dogs).toEqual({ results: 'dogs found' })
  expect(offline.cats).toEqual({ results: 'cats found' })
  expect(offline.login).toBe('welcome')
  expect(offline.jar).toEqual({ cookie: 'session=s3cret' })
  expect(offline.range).toEqual({ status: 206, contentRange: `bytes 0-15/${clip.length}`, type: 'video/webm', bytes: [...clip.subarray(0, 16)] })
  expect(offline.notModified).toBe(304)
  // notFound: 'fallback' leaves it to the network, which is down.
  expect(offline.unrecorded).toBe('failed: TypeError')
  await context.close()
})
