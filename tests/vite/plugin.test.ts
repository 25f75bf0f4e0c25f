// The Vite plugin in Node: its options, and what `vite build` emits (the worker next to the page,
// the precache manifest the worker reads). The dev server and the browser side are walked in
// tests/browser/package.spec.ts.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { swasgi } from '../../src/vite/index.js'

describe('swasgi() options', () => {
  test('refuses a missing worker and an unsafe file name, naming the option', () => {
    expect(() => swasgi(undefined as never)).toThrow(/"worker" must name/)
    expect(() => swasgi({ worker: '' })).toThrow(/"worker" must name/)
    expect(() => swasgi({ worker: 'src/sw.ts', fileName: '../sw.js' })).toThrow(/"fileName" must be a plain file name/)
    expect(() => swasgi({ worker: 'src/sw.ts', fileName: 'sw.mjs' })).toThrow(/ending in \.js/)
  })
})

describe('vite build with the plugin', () => {
  let root: string
  let worker: string
  let manifest: { url: string; revision: string | null }[]

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'swasgi-plugin-'))
    await mkdir(join(root, 'src'))
    await mkdir(join(root, 'public'))
    await writeFile(join(root, 'index.html'), '<!doctype html><link rel="stylesheet" href="/src/style.css"><script type="module" src="/src/main.ts"></script>')
    await writeFile(join(root, 'src', 'main.ts'), "document.title = 'page'\n")
    await writeFile(join(root, 'src', 'style.css'), 'body { color: red }\n')
    await writeFile(join(root, 'public', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    await writeFile(
      join(root, 'src', 'worker.ts'),
      `import { precache, pages } from 'swasgi:build'
declare const self: { __WB_MANIFEST: unknown; built: unknown }
self.built = { precache, pages, wb: self.__WB_MANIFEST, dev: process.env.NODE_ENV }
`,
    )
    // As under `vite build`: vitest's NODE_ENV=test would make it a development build.
    const nodeEnv = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    await build({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [swasgi({ worker: 'src/worker.ts', precache: (file) => file !== 'index.html' })],
      build: { outDir: join(root, 'dist') },
    }).finally(() => {
      if (nodeEnv === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = nodeEnv
    })
    worker = await readFile(join(root, 'dist', 'worker.js'), 'utf8')
    const scope: { built?: { precache: typeof manifest } } = {}
    new Function('self', worker)(scope)
    manifest = scope.built!.precache
  })
  afterAll(() => rm(root, { recursive: true, force: true }))

  test('emits the worker next to the page as one self-contained script', () => {
    expect(worker).not.toMatch(/\bimport\b|\bexport\b|process\.env/)
  })

  test('gives the worker every built file: hashed assets without revision, others with a content hash', async () => {
    const scope: { built?: Record<string, unknown> } = {}
    new Function('self', worker)(scope)
    const { pages, wb, dev } = scope.built as { pages: Record<string, { scripts: string[]; styles: string[] }>; wb: unknown; dev: string }
    expect(dev).toBe('production')
    expect(wb).toEqual(manifest)
    const urls = manifest.map((entry) => entry.url)
    expect(urls).toContain('/icon.svg')
    expect(urls).not.toContain('/index.html') // ruled out by the precache option
    expect(urls).not.toContain('/worker.js')
    const script = manifest.find((entry) => /^\/assets\/index-.*\.js$/.test(entry.url))!
    expect(script.revision).toBeNull()
    const icon = manifest.find((entry) => entry.url === '/icon.svg')!
    expect(icon.revision).toMatch(/^[0-9a-f]{16}$/)
    expect(pages['index.html'].scripts).toEqual([script.url])
    expect(pages['index.html'].styles).toEqual([expect.stringMatching(/^\/assets\/index-.*\.css$/)])
    expect(urls).toEqual(expect.arrayContaining([...pages['index.html'].scripts, ...pages['index.html'].styles]))
  })
})
