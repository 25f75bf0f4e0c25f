// `npm run demo`: builds the notes demo (page + service worker, one Vite build with the swasgi
// plugin, see demo/vite.config.ts) and serves it with `vite preview` on http://localhost:PORT
// (default 5173). The page is only a bootstrap: once the worker is installed, every page and API
// route is answered by the swasgi app inside it.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, preview } from 'vite'

const repo = fileURLToPath(new URL('..', import.meta.url))
const configFile = join(repo, 'demo', 'vite.config.ts')
const port = Number(process.env.PORT ?? 5173)
// One folder per port, so that the browser tests' server never wipes a running demo's files.
const outDir = join(repo, 'demo-dist', String(port))
const mode = process.env.NODE_ENV === 'development' ? 'development' : 'production'

const started = performance.now()
await build({ configFile, mode, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
const built = ((performance.now() - started) / 1000).toFixed(1)

try {
  // A path that is not a file gets index.html (Vite's SPA fallback): the bootstrap page, which
  // installs the worker and reloads, so a deep link works on the very first visit.
  await preview({ configFile, mode, logLevel: 'warn', build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1' } })
} catch (error) {
  console.error(error.code === 'EADDRINUSE' || /in use/i.test(error.message) ? `Port ${port} is taken: run with PORT=<another port> npm run demo` : error)
  process.exit(1)
}
console.log(`swasgi notes demo built in ${built}s

  ➜  http://localhost:${port}/

Open it, then turn the network off (DevTools → Network → Offline): it keeps working. Ctrl+C stops.`)
