import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { ViteDevServer } from 'vite'
import { bundleWorker, revisionOf, type PageAssets, type WorkerBundle } from './bundle.js'
import { devWorker } from './dev-worker.js'
import { workerHeaders, type WorkerSite } from './site.js'

const VERSION_QUERY = 'swasgi-version'

/** The module scripts and stylesheets an HTML file names, as URLs resolved against `url`. */
async function pageAssets(file: string, url: string): Promise<PageAssets> {
  const html = await readFile(file, 'utf8')
  const absolute = (href: string) => new URL(href, new URL(url, 'http://x')).pathname
  const attribute = (tag: string, name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1]
  const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => /type\s*=\s*["']module["']/i.test(tag))
  const links = [...html.matchAll(/<link\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => /rel\s*=\s*["']stylesheet["']/i.test(tag))
  return {
    scripts: ['/@vite/client', ...scripts.map((tag) => attribute(tag, 'src')).filter((src) => src !== undefined).map(absolute)],
    styles: links.map((tag) => attribute(tag, 'href')).filter((href) => href !== undefined).map(absolute),
  }
}

/**
 * `vite dev`: builds the worker on first request and again after any file it was built from
 * changes, serves it at its URL, and reloads the open pages (the worker's prelude makes that
 * reload reach the new worker). A failed build keeps serving the last good one and shows the
 * error in the terminal and Vite's overlay.
 */
export function serveWorkerInDev(server: ViteDevServer, site: WorkerSite): void {
  const { config } = server
  let built: Promise<WorkerBundle & { version: string }> | null = null
  let lastGood: (WorkerBundle & { version: string }) | null = null
  let watched = new Set<string>()

  async function rebuild(): Promise<WorkerBundle & { version: string }> {
    const pages = { 'index.html': await pageAssets(resolve(config.root, 'index.html'), config.base).catch(() => ({ scripts: [], styles: [] })) }
    const bundle = await bundleWorker(config, { entry: site.entry, fileName: site.fileName, info: { precache: [], pages }, production: false })
    // The version is the bundle's hash, baked into the prelude that checks it.
    const version = revisionOf(bundle.code)
    const code = `(${devWorker.toString()})(${JSON.stringify(version)}, ${JSON.stringify(`${site.url}?${VERSION_QUERY}`)});\n${bundle.code}`
    watched = new Set(bundle.modules)
    return { ...bundle, code, version }
  }

  // One build at a time, in order: a later edit's build never finishes before an earlier one's
  // and leaves the older bundle as the last good one.
  let queue: Promise<unknown> = Promise.resolve()
  function current(): Promise<WorkerBundle & { version: string }> {
    built ??= (queue = queue.then(rebuild, rebuild)).then(
      (bundle) => (lastGood = bundle),
      (error: Error) => {
        built = null
        config.logger.error(`swasgi: building the service worker ${site.entry} failed:\n${error.message}`, { error, timestamp: true })
        server.ws.send({ type: 'error', err: { message: `swasgi: the service worker did not build: ${error.message}`, stack: error.stack ?? '' } })
        if (lastGood) return lastGood
        throw error
      },
    )
    return built
  }

  // Editors and scripts save in steps (truncate, then write): one rebuild once the file is still.
  let settle: ReturnType<typeof setTimeout> | undefined
  const changed = (file: string) => {
    if (!watched.has(resolve(file))) return
    clearTimeout(settle)
    settle = setTimeout(() => {
      const before = lastGood?.version
      built = null
      void current().then((bundle) => {
        if (bundle.version !== before) server.ws.send({ type: 'full-reload', path: '*' })
      }, () => undefined)
    }, 50)
  }
  server.watcher.on('change', changed)
  server.watcher.on('unlink', changed)

  server.middlewares.use((request, response, next) => {
    const url = new URL(request.url ?? '/', 'http://x')
    if (url.pathname !== site.url) return next()
    current().then(
      (bundle) => {
        const body = url.searchParams.has(VERSION_QUERY) ? bundle.version : bundle.code
        const type = url.searchParams.has(VERSION_QUERY) ? 'text/plain; charset=utf-8' : 'text/javascript; charset=utf-8'
        response.writeHead(200, { 'content-type': type, ...workerHeaders(site) })
        response.end(request.method === 'HEAD' ? undefined : body)
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
        response.end(`swasgi: the service worker ${site.entry} did not build:\n${error.message}`)
      },
    )
  })
}
