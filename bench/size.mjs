// What a worker built with swasgi weighs, minified and gzipped (level 9) as a user's bundler ships it:
// Vite in production mode, one iife script, the same way bench/browser builds its workers.
//   node bench/size.mjs          the budgeted workers and what each feature adds (for docs/benchmarks.md)
// tests/size.test.ts keeps the budgets below in `npm test`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'

const repo = fileURLToPath(new URL('..', import.meta.url))
const src = (path) => JSON.stringify(join(repo, 'src', path))

/**
 * The budgets, in bytes gzipped: what each worker weighed when they were set (2026-12-02, after
 * the floor's trim, raised by the 220–250 B that navigation preload and the Cookie Store probe at
 * worker start added, then by the 110–150 B of the probe's time limits and the 200–230 B of one
cookie jar for every worker of the origin and the 80 B of one page-sync state, 2026-12-03) plus
about 200 B. The goal
 * for the Quick start is Hono's service-worker bundle (9.5 KB), which it misses; see
 * docs/benchmarks.md for the figures and what each feature weighs.
 */
export const BUDGETS = { floor: 10_240, readmeQuickStart: 13_680, quickStart: 19_020, everyFeature: 25_640 }

/** The floor: `serve()` with a raw ASGI app and nothing else (what every worker carries). */
export const FLOOR = `
import { serve } from ${src('sw/index.ts')}
serve(async (scope, receive, send) => { await send({ type: 'http.response.start', status: 204, headers: [] }) })
`

/** The README's Quick start worker: a raw ASGI app with JSONResponse and PlainTextResponse. */
export const README_QUICK_START = `
import { serve } from ${src('sw/index.ts')}
import { JSONResponse, PlainTextResponse } from ${src('index.ts')}
serve(async (scope, receive, send) => {
  const response = scope.path === '/api/hello' ? new JSONResponse({ hello: 'world' }) : new PlainTextResponse('Not Found', 404)
  await response(scope, receive, send)
}, { match: '/api/' })
`

/** The Quick start worker written with App and Route. */
export const QUICK_START = `
import { serve } from ${src('sw/index.ts')}
import { App, Route, JSONResponse } from ${src('index.ts')}
serve(new App({ routes: [new Route('/api/hello', () => new JSONResponse({ hello: 'world' }))] }), { match: '/api/' })
`

/** Each feature of the every-feature worker: what it imports from swasgi and the route(s) using it. */
export const FEATURES = {
  'JSONResponse, UJSONResponse': { names: ['JSONResponse', 'UJSONResponse'], routes: [`new Route('/json', () => new JSONResponse({ a: 1 }))`, `new Route('/ujson', () => new UJSONResponse({ a: 1 }))`] },
  'HTMLResponse, PlainTextResponse, setCookie': { names: ['HTMLResponse', 'PlainTextResponse'], routes: [`new Route('/html', () => new HTMLResponse('<p>hi</p>'))`, `new Route('/login', () => { const r = new PlainTextResponse('ok'); r.setCookie('s', '1', { httpOnly: true }); return r })`] },
  RedirectResponse: { names: ['RedirectResponse'], routes: [`new Route('/old', () => new RedirectResponse('/new'))`] },
  'StreamingResponse': { names: ['StreamingResponse'], routes: [`new Route('/stream', () => new StreamingResponse((async function* () { yield 'a' })(), { mediaType: 'text/plain' }))`] },
  EventSourceResponse: { names: ['EventSourceResponse'], routes: [`new Route('/events', () => new EventSourceResponse((async function* () { yield { data: 'x' } })()))`] },
  'FileResponse (cache:// and idb://, ranges, conditional requests)': {
    names: ['FileResponse'],
    routes: [`new Route('/files/{name}', (request) => new FileResponse('cache://files/' + request.pathParams.name))`, `new Route('/blobs/{name}', (request) => new FileResponse('idb://blobs/' + request.pathParams.name))`],
  },
  'Mount, path convertors': { names: ['Mount', 'JSONResponse'], routes: [`new Mount('/api', { routes: [new Route('/items/{id:int}', (request) => new JSONResponse(request.pathParams))] })`] },
  'request.form()': { names: ['JSONResponse'], routes: [`new Route('/form', async (request) => new JSONResponse(Object.fromEntries(await request.form())), { methods: ['POST'] })`] },
  'cors middleware': { names: ['cors'], middleware: `cors({ allowOrigins: ['https://example.com'] })` },
}

/** The every-feature worker's source, without the features named in `omit`. */
export function everyFeature(omit = []) {
  const chosen = Object.entries(FEATURES).filter(([name]) => !omit.includes(name)).map(([, f]) => f)
  const names = [...new Set(['App', 'Route', 'PlainTextResponse', ...chosen.flatMap((f) => f.names)])]
  const routes = chosen.flatMap((f) => f.routes ?? [])
  const middleware = chosen.flatMap((f) => (f.middleware ? [f.middleware] : []))
  return `
import { serve } from ${src('sw/index.ts')}
import { ${names.join(', ')} } from ${src('index.ts')}
const app = new App({
  routes: [new Route('/', () => new PlainTextResponse('home')), ${routes.join(',\n    ')}],
  middleware: [${middleware.join(', ')}],
})
serve(app)
`
}

/** Builds one worker source as Vite ships it; resolves with its sizes in bytes. `alias` swaps modules (size experiments). */
export async function measure(source, { alias = [] } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'swasgi-size-'))
  try {
    const entry = join(dir, 'sw.js')
    await writeFile(entry, source)
    await build({
      configFile: false,
      root: dir,
      mode: 'production',
      logLevel: 'silent',
      publicDir: false,
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      resolve: { alias },
      build: { outDir: join(dir, 'out'), minify: true, sourcemap: false, lib: { entry, formats: ['iife'], name: 'sw', fileName: () => 'sw.js' } },
    })
    const bytes = await readFile(join(dir, 'out', 'sw.js'))
    return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The cookie jar swapped for a stub (what `cookies: false` would save if the bundler could drop it). */
export const WITHOUT_COOKIE_JAR = [{ find: /^.*\/cookie-jar\.js$/, replacement: join(repo, 'bench/browser/shared/cookie-jar-stub.ts') }]

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kb = (n) => (n / 1000).toFixed(2)
  const readme = await measure(README_QUICK_START)
  console.log(`README Quick start (serve + raw ASGI app + JSONResponse/PlainTextResponse): ${kb(readme.gzip)} KB gzipped (${kb(readme.minified)} KB minified); budget ${kb(BUDGETS.readmeQuickStart)} KB`)
  const quick = await measure(QUICK_START)
  const all = await measure(everyFeature())
  console.log(`Quick start (serve + App/Route + JSONResponse): ${kb(quick.gzip)} KB gzipped (${kb(quick.minified)} KB minified); budget ${kb(BUDGETS.quickStart)} KB`)
  console.log(`Every feature: ${kb(all.gzip)} KB gzipped (${kb(all.minified)} KB minified); budget ${kb(BUDGETS.everyFeature)} KB\n`)
  console.log('| feature | adds, gzipped (KB) |\n|---|---:|')
  for (const name of Object.keys(FEATURES)) {
    const without = await measure(everyFeature([name]))
    console.log(`| ${name} | ${kb(all.gzip - without.gzip)} |`)
  }
  const noJar = await measure(everyFeature(), { alias: WITHOUT_COOKIE_JAR })
  console.log(`| the cookie jar (SameSite, mirroring, limits) | ${kb(all.gzip - noJar.gzip)} |`)
  const bare = await measure(FLOOR)
  console.log(`| serve() with a raw ASGI app, nothing else (the floor; budget ${kb(BUDGETS.floor)}) | ${kb(bare.gzip)} (${kb(bare.minified)} KB minified) |`)
}
