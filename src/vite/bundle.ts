import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { build, type Plugin, type ResolvedConfig, type Rolldown } from 'vite'

/** One file to precache, in Workbox's format: `revision` is null when the URL changes with the content. */
export interface PrecacheEntry {
  url: string
  revision: string | null
}

/** The page bundle an HTML entry loads, for pages the worker renders. */
export interface PageAssets {
  scripts: string[]
  styles: string[]
}

/** What the worker's build knows of the app's build (the `swasgi:build` module). */
export interface BuildInfo {
  precache: PrecacheEntry[]
  pages: Record<string, PageAssets>
}

/** The worker, bundled: its files (the script first) and every source file it was built from. */
export interface WorkerBundle {
  files: { fileName: string; source: string | Uint8Array }[]
  code: string
  modules: string[]
}

export const VIRTUAL_ID = 'swasgi:build'

export const revisionOf = (source: string | Uint8Array): string => createHash('sha256').update(source).digest('hex').slice(0, 16)

/** Serves `swasgi:build` to the worker's build. */
function buildInfoModule(info: BuildInfo): Plugin {
  return {
    name: 'swasgi:build-info',
    resolveId: (id) => (id === VIRTUAL_ID ? `\0${VIRTUAL_ID}` : undefined),
    load: (id) =>
      id === `\0${VIRTUAL_ID}`
        ? `export const precache = ${JSON.stringify(info.precache)}\nexport const pages = ${JSON.stringify(info.pages)}\n`
        : undefined,
  }
}

/**
 * Bundles the worker as one self-contained script (IIFE): a classic script that is also a valid
 * module script, so it registers with either `type` in every engine, older Firefox ESR included.
 * The app's `define` and `resolve` carry over; `process.env.NODE_ENV` follows the app's mode,
 * which is what keeps swasgi's and Workbox's development logs in development builds only.
 */
export async function bundleWorker(
  config: ResolvedConfig,
  opts: { entry: string; fileName: string; info: BuildInfo; production: boolean; banner?: string },
): Promise<WorkerBundle> {
  const output = (await build({
    configFile: false,
    root: config.root,
    base: config.base,
    mode: config.mode,
    logLevel: 'warn',
    publicDir: false,
    resolve: { alias: config.resolve.alias, dedupe: config.resolve.dedupe },
    define: {
      ...config.define,
      'process.env.NODE_ENV': JSON.stringify(opts.production ? 'production' : 'development'),
      // Workbox's injectManifest convention, for workers written for it.
      'self.__WB_MANIFEST': JSON.stringify(opts.info.precache),
    },
    plugins: [buildInfoModule(opts.info)],
    build: {
      write: false,
      emptyOutDir: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      minify: opts.production ? config.build.minify : false,
      sourcemap: opts.production ? config.build.sourcemap : 'inline',
      lib: { entry: resolve(config.root, opts.entry), formats: ['iife'], name: 'swasgiWorker', fileName: () => opts.fileName },
      rolldownOptions: { output: { banner: opts.banner } },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[]
  const outputs = (Array.isArray(output) ? output : [output]).flatMap((result) => result.output)
  const script = outputs.find((file): file is Rolldown.OutputChunk => file.type === 'chunk' && file.isEntry)
  if (!script) throw new Error(`swasgi: building ${opts.entry} produced no script`)
  return {
    code: script.code,
    files: outputs.map((file) => ({ fileName: file.fileName, source: file.type === 'chunk' ? file.code : file.source })),
    modules: script.moduleIds.filter((id) => !id.startsWith('\0')),
  }
}
