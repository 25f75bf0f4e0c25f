// The same swasgi app in Cloudflare's runtime: tests/edge/worker.ts, bundled, run by workerd
// (through Miniflare, which ships the workerd binary) and fetched from Node.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))
const CLIP = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) % 256)
let mf: Miniflare

beforeAll(async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'swasgi-edge-'))
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: { outDir, minify: false, lib: { entry: join(here, 'worker.ts'), formats: ['es'], fileName: () => 'worker.js' } },
    })
    mf = new Miniflare({
      modules: true,
      script: await readFile(join(outDir, 'worker.js'), 'utf8'),
      compatibilityDate: '2025-01-01',
      kvNamespaces: ['FILES'],
    })
    // Miniflare's own typing of the namespace does not resolve without @cloudflare/workers-types.
    const kv = (await mf.getKVNamespace('FILES')) as unknown as { put(key: string, value: Uint8Array, options: { metadata: unknown }): Promise<void> }
    await kv.put('media/clip.webm', CLIP, { metadata: { mediaType: 'video/webm', lastModified: Date.UTC(2026, 0, 2) } })
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
}, 60_000)

afterAll(() => mf?.dispose())

describe('the app in workerd', () => {
  test('a JSON route', async () => {
    const response = await mf.dispatchFetch('http://edge.test/json?q=hi')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({ hello: 'workerd', path: '/json', query: 'hi' })
  })

  test('a streamed response arrives chunk by chunk, not at the end', async () => {
    const response = await mf.dispatchFetch('http://edge.test/stream', { headers: { 'accept-encoding': 'identity' } })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    const arrivals: [string, number][] = []
    for (let next = await reader.read(); !next.done; next = await reader.read()) arrivals.push([decoder.decode(next.value), Date.now()])
    expect(arrivals.map(([text]) => text).join('')).toBe('tick 0\ntick 1\ntick 2\n')
    // The generator sleeps 300 ms between ticks: the first one is read well before the last is made.
    expect(arrivals.at(-1)![1] - arrivals[0][1]).toBeGreaterThanOrEqual(400)
  })

  test('a file from a KV-backed store: whole, a range, and 304', async () => {
    const whole = await mf.dispatchFetch('http://edge.test/files/media/clip.webm')
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('video/webm')
    expect(whole.headers.get('last-modified')).toBe('Fri, 02 Jan 2026 00:00:00 GMT')
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(CLIP)
    const part = await mf.dispatchFetch('http://edge.test/files/media/clip.webm', { headers: { range: 'bytes=100-199' } })
    expect([part.status, part.headers.get('content-range')]).toEqual([206, 'bytes 100-199/5000'])
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(CLIP.slice(100, 200))
    const again = await mf.dispatchFetch('http://edge.test/files/media/clip.webm', { headers: { 'if-none-match': whole.headers.get('etag')! } })
    expect(again.status).toBe(304)
    await again.arrayBuffer()
  })

  test('a file the store lacks is a 500 from the adapter, as in a browser worker', async () => {
    const missing = await mf.dispatchFetch('http://edge.test/files/none.bin')
    expect(missing.status).toBe(500)
    await missing.arrayBuffer()
  })
})
