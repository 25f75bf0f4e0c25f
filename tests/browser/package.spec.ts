// The README's Quick start, walked as a new user would with the packed package: a fresh Vite
// vanilla-ts project (its files written here, as `npm create vite@latest -- --template vanilla-ts`
// writes them, to spare the test the scaffold download), swasgi installed from the tarball, the
// README's three files, then `npm run dev` (the worker answers; an edit to its route reaches the
// page after a reload), `npm run build` and `npm run preview` (the app opens offline).
// Also: the tarball's contents, publint, and the types under `bundler` and `nodenext`.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { test, expect, type Page } from '@playwright/test'

const execFileAsync = promisify(execFile)

/** The environment of a user's shell: no NODE_ENV (an in-process Vite build in this worker sets it, and npm would then skip devDependencies). */
function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.NODE_ENV
  return env
}

const run = (file: string, args: string[], options: { cwd?: string; maxBuffer?: number } = {}) =>
  execFileAsync(file, args, { env: userEnv(), encoding: 'utf8', ...options })
const repo = fileURLToPath(new URL('../../', import.meta.url))
const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error']

/** The Quick start's files, by the name in bold above each code block. */
async function quickStartFiles(): Promise<Record<string, string>> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start\n'), readme.indexOf('\n## ', readme.indexOf('## Quick start\n') + 1))
  const files = Object.fromEntries([...section.matchAll(/^\*\*`([\w./-]+)`\*\*.*\n(?:.*\S.*\n)*\n```ts\n([\s\S]*?)^```$/gm)].map((m) => [m[1], m[2]]))
  expect(Object.keys(files).sort()).toEqual(['src/main.ts', 'src/sw.ts', 'vite.config.ts'])
  return files
}

/** The files `npm create vite@latest my-app -- --template vanilla-ts` writes that the walk needs. */
const SCAFFOLD: Record<string, string> = {
  'package.json': JSON.stringify(
    {
      name: 'my-app',
      private: true,
      version: '0.0.0',
      type: 'module',
      scripts: { dev: 'vite', build: 'tsc && vite build', preview: 'vite preview' },
      // The template pins typescript ~7; the repo's own TypeScript and Vite keep the install offline.
      devDependencies: { typescript: '~5.9.3', vite: '^8.3.8' },
    },
    null,
    2,
  ),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'es2023',
      module: 'esnext',
      lib: ['ES2023', 'DOM'],
      types: ['vite/client'],
      skipLibCheck: true,
      moduleResolution: 'bundler',
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      moduleDetection: 'force',
      noEmit: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      erasableSyntaxOnly: true,
      noFallthroughCasesInSwitch: true,
    },
    include: ['src'],
  }),
  'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Vite + TS</title>
  </head>
  <body>
    <div id="app"></div>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`,
}

/**
 * Every entry point, imported from an ESM file checked under `nodenext`: each call with a
 * missing argument must be an error, which it is not if an import resolved to nothing (any).
 */
const NODENEXT_CHECK = `import { Route } from 'swasgi'
import { serve } from 'swasgi/sw'
import { putFile } from 'swasgi/storage'
import { register } from 'swasgi/client'
import { swasgi } from 'swasgi/vite'
import type { Plugin } from 'vite'
export const plugin: Plugin = swasgi({ worker: 'src/sw.ts' })
// @ts-expect-error
new Route()
// @ts-expect-error
serve()
// @ts-expect-error
putFile()
// @ts-expect-error
register()
// @ts-expect-error
swasgi()
`

/** Starts `npm run <script> -- <args>` in `cwd` and resolves with the URL Vite prints; `log` collects its output. */
function startVite(cwd: string, script: 'dev' | 'preview', servers: ChildProcess[], log = { text: '' }): Promise<string> {
  const child = spawn('npm', ['run', script, '--', '--host', '127.0.0.1', '--port', '0'], { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  servers.push(child)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run ${script} printed no URL:\n${log.text}`)), 30_000)
    const read = (chunk: Buffer) => {
      // eslint-disable-next-line no-control-regex
      log.text += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '')
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(log.text)?.[1]
      if (url) {
        clearTimeout(timer)
        resolve(url)
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', (code) => reject(new Error(`npm run ${script} exited (${code}):\n${log.text}`)))
  })
}

/** Stops a server started by startVite (npm and Vite: its whole process group). */
function stop(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGTERM')
  } catch {
    // Already gone.
  }
}

/** Reloads until the page says `text`: a reload may first meet the page that waits for a rebuilt worker. */
async function reloadUntil(page: Page, text: string, explain?: () => Promise<string>): Promise<void> {
  const waited = expect
    .poll(
      async () => {
        await page.reload().catch(() => undefined)
        return page.locator('#app').textContent({ timeout: 3_000 }).catch(() => null)
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toContain(text)
  if (!explain) return waited
  // When it fails, say what the dev server was serving and logging then (for a flake seen in CI).
  await waited.catch(async (error: Error) => {
    error.message += `\n\n${await explain().catch((why: Error) => `(no explanation: ${why.message})`)}`
    throw error
  })
}

/**
 * What `vite dev` at `dev` serves as its worker and the tail of its output; what the page is
 * and which workers its registration has; the last lines its workers logged.
 */
async function devState(dev: string, log: { text: string }, expected: string, page: Page, workerLog: string[]): Promise<string> {
  const get = (path: string) => fetch(new URL(path, dev), { signal: AbortSignal.timeout(5_000) }).then((r) => r.text())
  const [version, code] = await Promise.all([get('sw.js?swasgi-version').catch(String), get('sw.js').catch(String)])
  const registration = await Promise.race([
    page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration()
      const state = (w: ServiceWorker | null | undefined) => w?.state ?? 'none'
      return `page ${location.href} "${document.title}", controlled: ${navigator.serviceWorker.controller !== null}; registration: active ${state(r?.active)}, waiting ${state(r?.waiting)}, installing ${state(r?.installing)}`
    }),
    new Promise<string>((resolve) => setTimeout(() => resolve('the page did not answer within 5 s'), 5_000)),
  ]).catch((error: Error) => `the page: ${error.message}`)
  return [
    `dev server: worker version ${version.slice(0, 80)}, its code ${code.includes(expected) ? 'has' : 'lacks'} ${JSON.stringify(expected)}`,
    registration,
    `the workers' last log lines:\n${workerLog.slice(-15).join('\n')}`,
    `the dev server's output ends:\n${log.text.slice(-3_000)}`,
  ].join('\n')
}

test('the Quick start with the packed package: npm run dev, an edit, npm run build, npm run preview offline', async ({ browser }) => {
  test.setTimeout(240_000)
  const times: string[] = []
  let last = performance.now()
  const lap = (step: string) => {
    const now = performance.now()
    times.push(`${step} ${((now - last) / 1000).toFixed(1)}s`)
    last = now
  }
  const work = await mkdtemp(join(tmpdir(), 'swasgi-walk-'))
  const app = join(work, 'my-app')
  const servers: ChildProcess[] = []
  try {
    // The package as published: `npm pack` (its prepack builds dist/), then what it holds.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work, ...NPM_QUIET], { cwd: repo, maxBuffer: 16 << 20 })
    // The JSON comes after the output of prepack's build.
    const [packed] = JSON.parse(stdout.slice(stdout.search(/^\[$/m))) as [{ filename: string; files: { path: string }[] }]
    const paths = packed.files.map((file) => file.path)
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/sw.js', 'dist/vite.js', 'dist/vite/index.d.ts', 'dist/vite/worker.d.ts']))
    expect(paths.filter((path) => !/^(LICENSE|README\.md|package\.json|dist\/.*)$/.test(path))).toEqual([])
    lap('pack')

    // publint on the unpacked tarball: exports, types and files agree.
    await run('tar', ['xzf', join(work, packed.filename), '-C', work])
    const lint = await run('npm', ['exec', '--yes', '--prefer-offline', ...NPM_QUIET, '--', 'publint@0.3', join(work, 'package'), '--pack', 'false', '--strict'], { cwd: work })
    expect(lint.stdout + lint.stderr).not.toMatch(/error|warning|suggestion/i)
    lap('publint')

    // The unbundled library keeps its NODE_ENV checks for the user's bundler to resolve.
    expect(await readFile(join(work, 'package', 'dist', 'sw.js'), 'utf8')).toContain('process.env.NODE_ENV')

    // A fresh project, swasgi from the tarball, the README's files.
    await mkdir(join(app, 'src'), { recursive: true })
    for (const [name, text] of Object.entries({ ...SCAFFOLD, ...(await quickStartFiles()) })) await writeFile(join(app, name), text)
    await run('npm', ['install', '--prefer-offline', ...NPM_QUIET, join(work, packed.filename), 'workbox-precaching', '@types/node@22'], { cwd: app })
    lap('install')

    // Types: the template's tsconfig (bundler), and every entry point under nodenext.
    await run('npx', ['tsc', '-p', '.'], { cwd: app })
    await writeFile(join(app, 'nodenext.mts'), NODENEXT_CHECK)
    await run('npx', ['tsc', '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--lib', 'es2023,dom', 'nodenext.mts'], { cwd: app }).catch(
      (error: { stdout: string }) => {
        throw new Error(`nodenext type check failed:\n${error.stdout}`)
      },
    )
    lap('types')

    // npm run dev: the page is answered by the worker, whose script Vite serves as a worker script.
    const devLog = { text: '' }
    const dev = await startVite(app, 'dev', servers, devLog)
    const devContext = await browser.newContext()
    const workerLog: string[] = []
    devContext.on('serviceworker', (worker) => {
      workerLog.push(`${new Date().toISOString().slice(11, 23)} a worker starts: ${worker.url()}`)
      // Workbox's development build logs every request at debug level: the rest is what matters here.
      worker.on('console', (message) => message.type() !== 'debug' && workerLog.push(`${new Date().toISOString().slice(11, 23)} ${message.type()}: ${message.text().slice(0, 200)}`))
    })
    const page = await devContext.newPage()
    await page.goto(dev)
    await expect(page.locator('#app')).toHaveText('Hello, world! (answered by the service worker)', { timeout: 20_000 })
    const script = await page.request.get(`${dev}sw.js`)
    expect(script.headers()['content-type']).toMatch(/^text\/javascript/)
    expect(script.headers()['service-worker-allowed']).toBe('/')
    expect(script.headers()['cache-control']).toBe('no-cache')
    // A development build: serve() logs each answered request.
    expect(await script.text()).toContain('%cswasgi')
    // Data the app keeps in IndexedDB survives the worker's update.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('walk', 1)
          open.onupgradeneeded = () => open.result.createObjectStore('kv')
          open.onsuccess = () => {
            const tx = open.result.transaction('kv', 'readwrite')
            tx.objectStore('kv').put('kept', 'key')
            tx.oncomplete = () => (open.result.close(), resolve())
          }
          open.onerror = () => reject(open.error)
        }),
    )
    lap('dev')

    // Edit the worker's route: after a reload the page gets the new answer from the new worker.
    const sw = join(app, 'src', 'sw.ts')
    const editedSource = (await readFile(sw, 'utf8')).replace("?? 'world'", "?? 'edited world'")
    await writeFile(sw, editedSource)
    await reloadUntil(page, 'Hello, edited world!', () => devState(dev, devLog, 'edited world', page, workerLog))
    const kept = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open('walk', 1)
          open.onsuccess = () => {
            const get = open.result.transaction('kv').objectStore('kv').get('key')
            get.onsuccess = () => resolve(get.result)
          }
        }),
    )
    expect(kept).toBe('kept')

    // A broken edit: the error shows in the terminal and Vite's overlay; the last good worker still answers.
    // First the page must be the app's again (not the page that waits for a new worker), with Vite's client.
    await expect(page.locator('#app')).toHaveText('Hello, edited world! (answered by the service worker)', { timeout: 10_000 })
    const edited = await readFile(sw, 'utf8')
    await writeFile(sw, edited.replace('const app = new App(', 'const app = new App(('))
    await expect(page.locator('vite-error-overlay')).toBeAttached({ timeout: 15_000 })
    expect(devLog.text).toContain('swasgi: building the service worker src/sw.ts failed')
    await page.reload()
    await expect(page.locator('#app')).toHaveText('Hello, edited world! (answered by the service worker)', { timeout: 10_000 })
    await writeFile(sw, edited)
    await devContext.close()
    servers.forEach(stop)
    lap('edit')

    // npm run build: one build, the worker minified next to the page, without the development log.
    await run('npm', ['run', 'build'], { cwd: app })
    const built = await readdir(join(app, 'dist'))
    expect(built).toEqual(expect.arrayContaining(['index.html', 'sw.js', 'assets']))
    const worker = await readFile(join(app, 'dist', 'sw.js'), 'utf8')
    expect(worker).not.toContain('%cswasgi')
    expect(worker).not.toContain('process.env')
    expect(worker.length / worker.split('\n').length).toBeGreaterThan(1000) // minified
    const [bundle] = (await readdir(join(app, 'dist', 'assets'))).filter((name) => name.endsWith('.js'))
    expect(worker).toContain(`/assets/${bundle}`) // in the precache manifest
    lap('build')

    // npm run preview: the first visit installs the worker; then, with no server at all, it still opens.
    const preview = await startVite(app, 'preview', servers)
    const previewContext = await browser.newContext()
    const visitor = await previewContext.newPage()
    await visitor.goto(preview)
    await expect(visitor.locator('#app')).toHaveText('Hello, edited world! (answered by the service worker)', { timeout: 20_000 })
    servers.forEach(stop)
    await previewContext.setOffline(true)
    await visitor.reload()
    await expect(visitor.locator('#app')).toHaveText('Hello, edited world! (answered by the service worker)', { timeout: 10_000 })
    await previewContext.close()
    lap('preview')
  } finally {
    servers.forEach(stop)
    console.log(`package walk: ${times.join(', ')}`)
    await rm(work, { recursive: true, force: true })
  }
})
