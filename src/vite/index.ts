/**
 * `swasgi/vite`: the Vite plugin that builds, serves and precaches the service worker that runs
 * the app's backend. Runs in Node; see docs/vite.md.
 */
import { readFile, readdir } from 'node:fs/promises'
import { basename, extname, join, relative, sep } from 'node:path'
import type { Plugin, ResolvedConfig, Rolldown } from 'vite'
import { bundleWorker, revisionOf, type BuildInfo, type PageAssets, type PrecacheEntry } from './bundle.js'
import { serveWorkerInDev } from './dev.js'
import { workerHeaders, type WorkerSite } from './site.js'

export type { PrecacheEntry, PageAssets, BuildInfo }

/** Options of the `swasgi()` Vite plugin. */
export interface SwasgiPluginOptions {
  /** The worker's source file, relative to the project root, e.g. `'src/sw.ts'`. */
  worker: string
  /** The built script's file name, served at `base` + this (default: the source's name as `.js`, e.g. `sw.js`). */
  fileName?: string
  /** Which built files (paths relative to the output folder) the worker precaches (default: all but source maps). */
  precache?: (file: string) => boolean
}

const SAFE_FILE_NAME = /^[\w.-]+\.js$/

function checkOptions(options: SwasgiPluginOptions): Required<Omit<SwasgiPluginOptions, 'precache'>> {
  if (typeof options?.worker !== 'string' || !options.worker) throw new TypeError(`swasgi(): "worker" must name the worker's source file, e.g. 'src/sw.ts'`)
  const fileName = options.fileName ?? `${basename(options.worker, extname(options.worker))}.js`
  if (!SAFE_FILE_NAME.test(fileName)) throw new TypeError(`swasgi(): "fileName" must be a plain file name ending in .js (got ${JSON.stringify(fileName)})`)
  return { worker: options.worker, fileName }
}

/** The URL prefix of built files: `base`, or `/` for a relative base (the worker's pages live at any depth). */
const publicPath = (config: ResolvedConfig): string => (config.base.startsWith('/') ? config.base : '/')

/** Every file below `dir`, relative to it with `/` separators. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
}

/**
 * The precache manifest of a build: the bundle's files and the public folder's. Files in
 * `assetsDir` carry Vite's content hash in their names and get no revision, as Workbox expects.
 */
async function precacheOf(config: ResolvedConfig, bundle: Rolldown.OutputBundle, include: (file: string) => boolean): Promise<PrecacheEntry[]> {
  const sources = new Map<string, () => Promise<string | Uint8Array>>()
  if (config.publicDir && config.build.copyPublicDir) {
    for (const file of await filesBelow(config.publicDir)) sources.set(file, () => readFile(join(config.publicDir, file)))
  }
  for (const file of Object.values(bundle)) {
    const source = file.type === 'chunk' ? file.code : file.source
    sources.set(file.fileName, async () => source)
  }
  const hashed = `${config.build.assetsDir}/`
  const entries: PrecacheEntry[] = []
  for (const [file, source] of [...sources].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (file.startsWith('.vite/') || file.endsWith('.map') || !include(file)) continue
    entries.push({ url: publicPath(config) + file, revision: file.startsWith(hashed) ? null : revisionOf(await source()) })
  }
  return entries
}

/** The script and stylesheets each built HTML page loads, keyed by the page's path ('index.html'). */
function pagesOf(config: ResolvedConfig, bundle: Rolldown.OutputBundle): Record<string, PageAssets> {
  const pages: Record<string, PageAssets> = {}
  for (const file of Object.values(bundle)) {
    if (file.type !== 'chunk' || !file.isEntry || !file.facadeModuleId?.endsWith('.html')) continue
    const url = (name: string) => publicPath(config) + name
    pages[relative(config.root, file.facadeModuleId).split(sep).join('/')] = {
      scripts: [url(file.fileName)],
      styles: [...(file.viteMetadata?.importedCss ?? [])].map(url),
    }
  }
  return pages
}

/**
 * The plugin: `plugins: [swasgi({ worker: 'src/sw.ts' })]`. `vite dev` serves the worker at
 * `base` + `sw.js`, rebuilt on change; `vite build` emits it next to the page, minified, with
 * the precache manifest in `swasgi:build` (and `self.__WB_MANIFEST`); `vite preview` serves it
 * with the headers a worker script needs.
 */
export function swasgi(options: SwasgiPluginOptions): Plugin {
  const { worker, fileName } = checkOptions(options)
  const include = options.precache ?? (() => true)
  let config: ResolvedConfig
  let site: WorkerSite

  return {
    name: 'swasgi',
    configResolved(resolved) {
      config = resolved
      site = { entry: worker, fileName, url: publicPath(config) + fileName, scope: publicPath(config) }
    },
    configureServer(server) {
      serveWorkerInDev(server, site)
    },
    configurePreviewServer(server) {
      server.middlewares.use((request, response, next) => {
        if (new URL(request.url ?? '/', 'http://x').pathname === site.url) {
          for (const [name, value] of Object.entries(workerHeaders(site))) response.setHeader(name, value)
        }
        next()
      })
    },
    generateBundle: {
      // After Vite's own hooks, which emit the HTML pages.
      order: 'post',
      async handler(_, bundle) {
        if (config.build.ssr || (this.environment && this.environment.name !== 'client')) return
        if (bundle[fileName]) this.error(`swasgi: the build already has a ${fileName}; name the worker's script with the "fileName" option`)
        const info: BuildInfo = { precache: await precacheOf(config, bundle, include), pages: pagesOf(config, bundle) }
        const built = await bundleWorker(config, { entry: worker, fileName, info, production: config.isProduction })
        for (const file of built.files) this.emitFile({ type: 'asset', fileName: file.fileName, source: file.source })
      },
    },
  }
}
