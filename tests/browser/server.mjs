// Builds the app under test (page + service worker) with Vite and serves it on loopback:
// http://127.0.0.1:PORT (the app's origin) and http://127.0.0.1:PORT+1 (a second origin for
// cross-origin tests). Started by Playwright's webServer; the cross-engine suite
// (tests/browser/engines) imports buildApp and listen to stop and restart the server itself.
import { createServer } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import mime from 'mime'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, 'app')
const outDir = join(here, '.dist')
const port = Number(process.env.PORT ?? 4179)
const define = { 'process.env.NODE_ENV': JSON.stringify('development') }

/** Builds the page and the worker into tests/browser/.dist. */
export async function buildApp() {
  await build({ root, logLevel: 'warn', define, build: { outDir, emptyOutDir: true } })
  await build({
    root,
    logLevel: 'warn',
    define,
    build: {
      outDir,
      emptyOutDir: false,
      lib: { entry: join(root, 'sw/test-sw.ts'), formats: ['iife'], name: 'testWorker', fileName: () => 'sw.js' },
    },
  })
}

/** Serves the built files; `/network/...` answers from the server so tests can tell who answered. */
async function serveFile(request, response) {
  const url = new URL(request.url, 'http://x')
  if (url.pathname.startsWith('/network/')) {
    response.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' })
    // A navigation preload says so in a header (serve({ navigationPreload: true })).
    const preload = request.headers['service-worker-navigation-preload'] ? ' (navigation preload)' : ''
    response.end(`from the network: ${url.pathname}${preload}`)
    return
  }
  const path = normalize(join(outDir, decodeURIComponent(url.pathname)))
  if (!path.startsWith(outDir)) return void response.writeHead(403).end()
  try {
    const file = (await stat(path)).isDirectory() ? join(path, 'index.html') : path
    const body = await readFile(file)
    response.writeHead(200, { 'content-type': mime.getType(extname(file)) ?? 'application/octet-stream', 'cache-control': 'no-store' })
    response.end(body)
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }).end('not found')
  }
}

/** Serves the built app on 127.0.0.1:port; resolves once it listens. */
export function listen(port) {
  const server = createServer(serveFile)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildApp()
  for (const p of [port, port + 1]) await listen(p)
  console.log(`app under test on http://127.0.0.1:${port}`)
}
