// Runs every example in the README and docs/*.md that exports an ASGI `app`, and checks the `// →`
// line after it: `// → STATUS [CONTENT-TYPE] | BODY` (with `\n` for newlines), and an optional `// path: /x`.
import 'fake-indexeddb/auto'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'
import type { ASGIApp } from '../src/types.js'
import { bodyText, call, headerPairs, httpScope } from './helpers/asgi.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const scratch = fileURLToPath(new URL('./.readme-examples/', import.meta.url))
const documents = ['README.md', ...readdirSync(`${root}docs`).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]

interface Example {
  heading: string
  code: string
  path: string
  status: number
  contentType: string | null
  body: string
}

function examples(): Example[] {
  const found: Example[] = []
  for (const document of documents) found.push(...examplesIn(document))
  return found
}

function examplesIn(document: string): Example[] {
  const found: Example[] = []
  let heading = ''
  const fence = /^```ts\n([\s\S]*?)^```$|^(#+ .*)$/gm
  for (const match of readFileSync(`${root}${document}`, 'utf8').matchAll(fence)) {
    if (match[2]) {
      heading = `${document} › ${match[2].replace(/^#+ /, '')}`
      continue
    }
    const code = match[1]
    if (!code.includes('export const app')) continue
    const expected = /^\/\/ → (\d{3})(?: ([^|]+?))? \| ?(.*)$/m.exec(code)
    if (!expected) throw new Error(`The example under "${heading}" has no "// →" line`)
    found.push({
      heading,
      code,
      path: /^\/\/ path: (\S+)$/m.exec(code)?.[1] ?? '/',
      status: Number(expected[1]),
      contentType: expected[2] ?? null,
      body: expected[3].replaceAll('\\n', '\n'),
    })
  }
  return found
}

const cases = examples()
mkdirSync(scratch, { recursive: true })
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

test('the docs have an example for every response class', () => {
  const classes = ['Response', 'HTMLResponse', 'PlainTextResponse', 'JSONResponse', 'UJSONResponse', 'RedirectResponse', 'StreamingResponse', 'FileResponse']
  for (const name of classes) expect(cases.some((c) => new RegExp(`new ${name}\\(`).test(c.code)), name).toBe(true)
})

test.each(cases.map((c, i) => [`${i + 1}. ${c.heading}`, c] as const))('example %s runs as written', async (_, example) => {
  const file = `${scratch}example-${cases.indexOf(example)}.ts`
  const source = example.code
    .replaceAll("from 'swasgi/storage'", `from '${root}src/storage/index.ts'`)
    .replaceAll("from 'swasgi'", `from '${root}src/index.ts'`)
  writeFileSync(file, source)
  const { app } = (await import(/* @vite-ignore */ file)) as { app: ASGIApp }
  const messages = await call(app, httpScope({ path: example.path, raw_path: new TextEncoder().encode(example.path) }))
  expect(messages[0].status).toBe(example.status)
  const type = headerPairs(messages[0]).find(([name]) => name === 'content-type')?.[1] ?? null
  if (example.contentType !== null) expect(type).toBe(example.contentType)
  expect(bodyText(messages)).toBe(example.body)
})

test('the toolkit example in docs/playwright.md is the spec npm test runs', () => {
  const spec = readFileSync(`${root}docs/examples/toolkit.spec.ts`, 'utf8')
  expect(readFileSync(`${root}docs/playwright.md`, 'utf8')).toContain('```ts\n' + spec + '```')
})
