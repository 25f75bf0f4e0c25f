// `npm run demo`: builds the notes demo (page + service worker) with Vite and serves it on
// http://localhost:PORT (default 5173). The page is only a bootstrap: once the worker is
// installed, every page and API route is answered by the swasgi app inside it.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { readFile, readdir, stat } from 'node:fs/promises'
import { extname, join, normalize, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import mime from 'mime'

const repo = fileURLToPath(new URL('..', import.meta.url))
const root = join(repo, 'demo')
const port = Number(process.env.PORT ?? 5173)
// One folder per port, so that the browser tests' server never wipes a running demo's files.
const outDir = join(repo, 'demo-dist', String(port))
const mode = process.env.NODE_ENV === 'development' ? 'development' : 'production'
const define = { 'process.env.NODE_ENV': JSON.stringify(mode) }

/** Every file below `dir`, as URL paths ('/assets/x.js'). */
async function walk(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => '/' + relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
}

/** The page bundle's entry script and stylesheet, read from Vite's manifest. */
async function pageAssets() {
  const manifest = JSON.parse(await readFile(join(outDir, '.vite', 'manifest.json'), 'utf8'))
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry)
  return { script: `/${entry.file}`, styles: (entry.css ?? []).map((file) => `/${file}`) }
}

/** Workbox precache entries: hashed assets need no revision, other files get their content's hash. */
async function precacheManifest() {
  const files = (await walk(outDir)).filter((path) => !path.startsWith('/.vite/') && path !== '/index.html')
  return Promise.all(
    files.map(async (url) => {
      if (url.startsWith('/assets/')) return { url, revision: null }
      const revision = createHash('sha256').update(await readFile(join(outDir, url))).digest('hex').slice(0, 16)
      return { url, revision }
    }),
  )
}

const started = performance.now()
await build({
  root,
  publicDir: join(repo, 'public'),
  logLevel: 'warn',
  define,
  build: { outDir, emptyOutDir: true, manifest: true },
})
const assets = await pageAssets()
const precache = await precacheManifest()
await build({
  root,
  logLevel: 'warn',
  define: {
    ...define,
    __DEMO_ASSETS__: JSON.stringify(assets),
    __DEMO_PRECACHE__: JSON.stringify(precache),
    __DEMO_BUILD__: JSON.stringify(new Date().toISOString()),
  },
  build: {
    outDir,
    emptyOutDir: false,
    copyPublicDir: false,
    lib: { entry: join(root, 'sw', 'worker.ts'), formats: ['iife'], name: 'notesWorker', fileName: () => 'sw.js' },
  },
})
const built = ((performance.now() - started) / 1000).toFixed(1)

const HEADERS = {
  // The worker script must be revalidated so that a rebuilt demo takes over.
  '/sw.js': { 'cache-control': 'no-cache' },
}

/**
 * Serves the build. A path that is not a file gets the bootstrap page, which installs the worker
 * and reloads: that is how a deep link works on the very first visit.
 */
async function serveFile(request, response) {
  const url = new URL(request.url, 'http://localhost')
  const path = normalize(join(outDir, decodeURIComponent(url.pathname)))
  if (!path.startsWith(outDir)) return void response.writeHead(403).end()
  let file = join(outDir, 'index.html')
  try {
    if ((await stat(path)).isFile()) file = path
  } catch {
    // Not a file: the bootstrap page answers.
  }
  const body = await readFile(file)
  const immutable = file.startsWith(join(outDir, 'assets'))
  response.writeHead(200, {
    'content-type': mime.getType(extname(file)) ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...HEADERS[url.pathname],
  })
  response.end(request.method === 'HEAD' ? undefined : body)
}

/** Listens on IPv4 and (when the machine has it) IPv6 loopback, so `localhost` works either way. */
function listen(host) {
  return new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      serveFile(request, response).catch((error) => {
        console.error(error)
        if (!response.headersSent) response.writeHead(500)
        response.end()
      })
    })
    server.once('error', reject)
    server.listen(port, host, () => resolve(server))
  })
}

try {
  await listen('127.0.0.1')
} catch (error) {
  console.error(error.code === 'EADDRINUSE' ? `Port ${port} is taken: run with PORT=<another port> npm run demo` : error)
  process.exit(1)
}
await listen('::1').catch(() => {})
console.log(`swasgi notes demo built in ${built}s (${precache.length} files precached by the worker)

  ➜  http://localhost:${port}/

Open it, then turn the network off (DevTools → Network → Offline): it keeps working. Ctrl+C stops.`)
