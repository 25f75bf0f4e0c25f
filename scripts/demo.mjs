// `npm run demo`: builds the notes demo (page + service worker, one Vite build with the swasgi
// plugin, see demo/vite.config.ts) and serves it with `vite preview` on http://localhost:PORT
// (default 5173). The page is only a bootstrap: once the worker is installed, every page and API
// route is answered by the swasgi app inside it. The cross-engine suite (tests/browser/engines)
// imports buildDemo and serveDemo to stop and restart the server itself.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, preview } from 'vite'

const repo = fileURLToPath(new URL('..', import.meta.url))
const configFile = join(repo, 'demo', 'vite.config.ts')
const mode = process.env.NODE_ENV === 'development' ? 'development' : 'production'

/** The build folder for a server on `port`: one per port, so that no server wipes another's files. */
export const demoOutDir = (port) => join(repo, 'demo-dist', String(port))

/** Builds the demo into `outDir`; resolves with the seconds it took. */
export async function buildDemo(outDir) {
  const started = performance.now()
  await build({ configFile, mode, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  return (performance.now() - started) / 1000
}

/** Serves a built demo on 127.0.0.1:port with `vite preview`; resolves with the server (close() stops it). */
export function serveDemo(port, outDir) {
  // A path that is not a file gets index.html (Vite's SPA fallback): the bootstrap page, which
  // installs the worker and reloads, so a deep link works on the very first visit.
  return preview({ configFile, mode, logLevel: 'warn', build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1' } })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.env.PORT ?? 5173)
  const outDir = demoOutDir(port)
  const built = (await buildDemo(outDir)).toFixed(1)
  try {
    await serveDemo(port, outDir)
  } catch (error) {
    console.error(error.code === 'EADDRINUSE' || /in use/i.test(error.message) ? `Port ${port} is taken: run with PORT=<another port> npm run demo` : error)
    process.exit(1)
  }
  console.log(`swasgi notes demo built in ${built}s

  ➜  http://localhost:${port}/

Open it, then turn the network off (DevTools → Network → Offline): it keeps working. Ctrl+C stops.`)
}
