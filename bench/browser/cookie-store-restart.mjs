// Reproduces the Chromium bug behind the cookie jar's start-up rule (docs/cookies.md): a restarted
// service worker that touches `self.cookieStore` while its script is being evaluated gets a dead
// Cookie Store (getAll() answers [], set() fails) in some starts. For each mode, a fresh profile
// registers a hand-written worker, which is then stopped from chrome://serviceworker-internals (not
// through DevTools) and woken by a fetch, `--restarts` times; it prints how many starts had a dead store.
//   node bench/browser/cookie-store-restart.mjs [--restarts 8]
import { createServer } from 'node:http'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-browser.mjs'

const at = process.argv.indexOf('--restarts')
const restarts = at > 0 ? Number(process.argv[at + 1]) : 8
if (!(restarts > 0)) throw new Error('--restarts takes a positive number')

// The worker: `eval` touches the store at the top level of its script, `task` in the next task.
const WORKER = `
const mode = new URL(location.href).searchParams.get('mode')
const started = Math.random().toString(36).slice(2)
const check = async () => {
  try {
    await cookieStore.set({ name: 'restart', value: String(Date.now()) })
    return (await cookieStore.getAll()).some((cookie) => cookie.name === 'restart') ? 'alive' : 'dead'
  } catch (error) {
    return 'dead (' + error.message.slice(0, 60) + ')'
  }
}
let verdict = mode === 'eval' ? check() : new Promise((resolve) => setTimeout(() => resolve(check())))
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname === '/verdict') event.respondWith(verdict.then((text) => new Response(JSON.stringify({ text, started }))))
})
`
const server = createServer((request, response) => {
  const path = new URL(request.url, 'http://x').pathname
  if (path === '/sw.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(WORKER)
  response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>cookie store restarts</title>')
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
try {
  console.log(`Chromium ${browser.version()}, ${restarts} restarts per mode`)
  for (const mode of ['eval', 'task']) {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${origin}/`)
    await page.evaluate(async (mode) => {
      await navigator.serviceWorker.register(`/sw.js?mode=${mode}`)
      await navigator.serviceWorker.ready
    }, mode)
    await page.reload()
    const internals = await context.newPage()
    await internals.goto('chrome://serviceworker-internals/')
    const ask = () => page.evaluate(() => fetch('/verdict').then((response) => response.json()))
    let last = (await ask()).started
    let dead = 0
    for (let i = 0; i < restarts; i++) {
      await internals.reload()
      await internals.getByRole('button', { name: 'Stop' }).first().click()
      await internals.getByText('STOPPED').first().waitFor({ timeout: 10_000 })
      const { text, started } = await ask()
      if (started === last) throw new Error('the worker was not restarted')
      last = started
      if (text !== 'alive') dead++
    }
    console.log(`touching cookieStore ${mode === 'eval' ? 'while the script is evaluated' : 'in the next task'}: ${dead} of ${restarts} restarts had a dead store`)
    await context.close()
  }
} finally {
  await browser.close()
  server.close()
}
