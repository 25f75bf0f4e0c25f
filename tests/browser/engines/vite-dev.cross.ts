// `vite dev` with the swasgi plugin in every engine: the page is answered by the worker; after an
// edit to the worker, one reload shows the new worker's answer (through the dev prelude's page that
// waits for it), and reloads in quick succession while the new worker installs do not hang it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { createServer, type ViteDevServer } from 'vite'
import { swasgi } from '../../../src/vite/index.js'
import type { Page } from './driver.js'
import { engines, PORT, RestartableServer, useEngine, waitForPage } from './harness.js'

/** The dev server's port in this suite (see PORT in harness.ts). */
const DEV_PORT = PORT + 5
const DEV = `http://127.0.0.1:${DEV_PORT}`
const repo = fileURLToPath(new URL('../../..', import.meta.url))

const worker = (greeting: string) => `import { App, JSONResponse, Route } from 'swasgi'
import { serve } from 'swasgi/sw'
serve(new App({ routes: [new Route('/api/hello', () => new JSONResponse({ hello: ${JSON.stringify(greeting)} }))] }))
`
const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>dev</title><p id="app">loading</p><script type="module" src="/src/main.ts"></script>',
  'src/main.ts': `import { register } from 'swasgi/client'
await register('/sw.js')
const { hello } = await (await fetch('/api/hello')).json()
document.querySelector('#app')!.textContent = 'Hello, ' + hello + '!'
`,
}

let root: string | undefined
let server: ViteDevServer | undefined
const devServer = new RestartableServer(async () => {
  root ??= await mkdtemp(join(tmpdir(), 'swasgi-dev-'))
  await mkdir(join(root, 'src'), { recursive: true })
  for (const [name, text] of Object.entries(FILES)) await writeFile(join(root, name), text)
  await writeFile(join(root, 'src/sw.ts'), worker('world'))
  server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [swasgi({ worker: 'src/sw.ts' })],
    resolve: {
      alias: [
        { find: /^swasgi\/sw$/, replacement: join(repo, 'src/sw/index.ts') },
        { find: /^swasgi\/client$/, replacement: join(repo, 'src/client/index.ts') },
        { find: /^swasgi$/, replacement: join(repo, 'src/index.ts') },
      ],
    },
    server: { host: '127.0.0.1', port: DEV_PORT, strictPort: true, hmr: false },
  })
  await server.listen()
  return { close: () => server!.close() }
})

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

/**
 * Reloads `page` as a user would after an edit: once, then waits (the page that waits for the new
 * worker reloads itself); again only if it still shows something else after 8 s, three times at
 * most. Resolves with the number of reloads it took.
 */
async function reloadUntil(page: Page, text: string): Promise<number> {
  let seen: string | null = null
  let attempt = 0
  for (; attempt < 3 && seen !== text; attempt++) {
    await page.reload().catch(() => undefined)
    seen = await waitForPage(page, (want) => (document.querySelector('#app')?.textContent === want ? want : null), { arg: text, timeout: 8_000 }).catch(async () =>
      page.evaluate(() => document.querySelector('#app')?.textContent ?? document.title).catch((error: Error) => error.message),
    )
  }
  expect(seen, 'the page after three reloads').toBe(text)
  return attempt
}

/** Saves the worker's source and waits until the dev server has rebuilt it (a new version). */
async function edit(greeting: string): Promise<void> {
  const version = () => fetch(`${DEV}/sw.js?swasgi-version`).then((response) => response.text())
  const before = await version()
  await writeFile(join(root!, 'src/sw.ts'), worker(greeting))
  const deadline = Date.now() + 10_000
  while ((await version()) === before) {
    if (Date.now() > deadline) throw new Error('the dev server did not rebuild the worker within 10 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine, devServer)

  test('after an edit, one reload shows the new worker (the waiting page reloads itself once it runs)', async () => {
    const page = await browser.newPage()
    await page.goto(`${DEV}/`)
    expect(await waitForPage(page, () => (document.querySelector('#app')?.textContent === 'Hello, world!' ? true : null), { timeout: 15_000 })).toBe(true)
    await edit(`${engine} edit`)
    expect(await reloadUntil(page, `Hello, ${engine} edit!`), 'reloads needed').toBe(1)
    // Back to the first worker for the next test (the same dev server).
    await edit('world')
    expect(await reloadUntil(page, 'Hello, world!'), 'reloads needed').toBe(1)
  })

  test('reloads in quick succession while the new worker installs do not hang the page', async () => {
    const page = await browser.newPage()
    await page.goto(`${DEV}/`)
    expect(await waitForPage(page, () => (document.querySelector('#app')?.textContent === 'Hello, world!' ? true : null), { timeout: 15_000 })).toBe(true)
    await edit(`${engine} again`)
    for (let i = 0; i < 4; i++) {
      void page.reload().catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    const shown = await waitForPage(page, (want) => (document.querySelector('#app')?.textContent === want ? want : null), { arg: `Hello, ${engine} again!`, timeout: 15_000 }).catch(async (error: Error) => {
      const where = await page.evaluate(() => `${document.title}: ${document.querySelector('#app')?.textContent ?? ''}`).catch((why: Error) => why.message)
      return `${error.message}; the page shows ${where}`
    })
    expect(shown).toBe(`Hello, ${engine} again!`)
    await edit('world')
    await reloadUntil(page, 'Hello, world!')
  })
})
