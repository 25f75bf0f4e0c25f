import { test, expect } from './fixtures.js'
import type { Page } from '@playwright/test'

/** Stores `size` deterministic bytes under `path` from the page (the worker reads the same stores). */
async function store(page: Page, path: string, size: number, mediaType = 'application/octet-stream') {
  await page.evaluate(
    async ({ path, size, mediaType }) => {
      const bytes = new Uint8Array(size).map((_, i) => (i * 7) % 251)
      await window.putFile(path, bytes, { mediaType, lastModified: Date.UTC(2026, 0, 2, 3, 4, 5) })
    },
    { path, size, mediaType },
  )
}

/** Fetches in the page and returns status, chosen headers and the body bytes. */
async function fetchIn(page: Page, url: string, init: RequestInit = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      const r = await fetch(url, init)
      const headers = Object.fromEntries(r.headers)
      return { status: r.status, headers, body: [...new Uint8Array(await r.arrayBuffer())] }
    },
    { url, init },
  )
}

const expected = (start: number, end: number) => Array.from({ length: end - start + 1 }, (_, k) => ((start + k) * 7) % 251)

for (const [label, path, url] of [
  ['IndexedDB', 'idb://files/data.bin', '/files/idb/data.bin'],
  ['Cache Storage', 'cache://assets/data.bin', '/files/cache/data.bin'],
] as const) {
  test.describe(`FileResponse from ${label}`, () => {
    test.beforeEach(async ({ controlled: page }) => store(page, path, 1000))

    test('full body with validators', async ({ controlled: page }) => {
      const r = await fetchIn(page, url)
      expect(r.status).toBe(200)
      expect(r.headers).toMatchObject({
        'content-length': '1000',
        'content-type': 'application/octet-stream',
        'accept-ranges': 'bytes',
        'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT',
      })
      expect(r.headers.etag).toMatch(/^"[^"]+"$/)
      expect(r.body).toEqual(expected(0, 999))
    })

    test('HEAD and 304 on revalidation', async ({ controlled: page }) => {
      const head = await fetchIn(page, url, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(head.headers['content-length']).toBe('1000')
      expect(head.body).toEqual([])
      const again = await fetchIn(page, url, { headers: { 'if-none-match': head.headers.etag }, cache: 'no-store' })
      expect(again.status).toBe(304)
      expect(again.body).toEqual([])
    })

    test('single and multiple ranges, and 416', async ({ controlled: page }) => {
      const one = await fetchIn(page, url, { headers: { range: 'bytes=100-199' } })
      expect(one.status).toBe(206)
      expect(one.headers['content-range']).toBe('bytes 100-199/1000')
      expect(one.body).toEqual(expected(100, 199))
      const open = await fetchIn(page, url, { headers: { range: 'bytes=0-' } })
      expect(open.status).toBe(206)
      expect(open.headers['content-range']).toBe('bytes 0-999/1000')
      const many = await fetchIn(page, url, { headers: { range: 'bytes=0-9,500-509' } })
      expect(many.status).toBe(206)
      expect(many.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/)
      const text = new TextDecoder('latin1').decode(new Uint8Array(many.body))
      expect(text).toContain('Content-Range: bytes 0-9/1000')
      expect(text).toContain('Content-Range: bytes 500-509/1000')
      const none = await fetchIn(page, url, { headers: { range: 'bytes=1000-' } })
      expect(none.status).toBe(416)
      expect(none.headers['content-range']).toBe('bytes */1000')
    })
  })
}

test('a cookie set on a FileResponse reaches the jar when it answers 304, 412 or 416', async ({ controlled: page }) => {
  await store(page, 'idb://files/data.bin', 1000)
  const { etag } = (await fetchIn(page, '/files/idb/data.bin', { method: 'HEAD' })).headers
  const answers = [
    ['not-modified', { 'if-none-match': etag }],
    ['failed', { 'if-match': '"other"' }],
    ['unsatisfiable', { range: 'bytes=5000-' }],
  ] as const
  const statuses = []
  for (const [name, headers] of answers) statuses.push((await fetchIn(page, `/files/cookie/data.bin?name=${name}`, { headers, cache: 'no-store' })).status)
  expect(statuses).toEqual([304, 412, 416])
  const cookie = await page.evaluate(async () => (await (await fetch('/api/cookies/get')).json()).cookie as string | null)
  expect((cookie ?? '').split('; ').sort()).toEqual(['failed=1', 'not-modified=1', 'unsatisfiable=1'])
})

test('a Workbox-precached entry is served from its __WB_REVISION__ key', async ({ controlled: page }) => {
  const r = await fetchIn(page, '/files/precached')
  expect(r.status).toBe(200)
  expect(new TextDecoder().decode(new Uint8Array(r.body))).toBe('precached by Workbox\n')
  expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
})

test('an attachment is downloaded under its content-disposition filename', async ({ controlled: page }) => {
  await page.evaluate(() => window.putFile('idb://files/report.txt', 'quarterly numbers', { mediaType: 'text/plain' }))
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.evaluate(() => {
      const link = document.createElement('a')
      link.href = '/files/download'
      document.body.append(link)
      link.click()
    }),
  ])
  expect(download.suggestedFilename()).toBe('rapport final é.txt')
  const stream = await download.createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  expect(Buffer.concat(chunks).toString()).toBe('quarterly numbers')
})

test('a <video> plays a WebM from IndexedDB and seeks to the middle', async ({ controlled: page }) => {
  const ranges: string[] = []
  page.on('request', (request) => {
    if (request.url().includes('/files/idb/clip.webm')) ranges.push(request.headers().range ?? '(none)')
  })
  const seen = await page.evaluate(async () => {
    const clip = await (await fetch('/media/clip.webm')).blob()
    await window.putFile('idb://files/clip.webm', clip, { mediaType: 'video/webm' })
    const video = document.createElement('video')
    video.muted = true
    video.src = '/files/idb/clip.webm'
    document.body.append(video)
    await new Promise((resolve, reject) => {
      video.onloadedmetadata = resolve
      video.onerror = () => reject(new Error(`video error ${video.error?.code}`))
    })
    const duration = video.duration
    video.currentTime = duration / 2
    await new Promise((resolve) => (video.onseeked = resolve))
    await video.play()
    await new Promise((r) => setTimeout(r, 200))
    return { duration, time: video.currentTime, seekable: video.seekable.length ? video.seekable.end(0) : 0 }
  })
  expect(seen.duration).toBeGreaterThan(3)
  expect(seen.seekable).toBeGreaterThan(3)
  expect(seen.time).toBeGreaterThanOrEqual(seen.duration / 2)
  // The media element asks for byte ranges, and gets them.
  expect(ranges.some((range) => range.startsWith('bytes='))).toBe(true)
})

test.describe('cache:// keys cannot leave the origin', () => {
  const hostile = ['//evil.test/x', '/%5C%5Cevil.test/x', '/%5C/evil.test/x', '/%2F%2Fevil.test/x', '/http://evil.test/x']

  test('FileResponse never serves another origin entry for a hostile path', async ({ controlled: page }) => {
    await page.evaluate(async () => {
      const cache = await caches.open('assets')
      for (const url of ['http://evil.test/x', 'http://evil.test/', 'http://evil.test/evil.test/x']) await cache.put(url, new Response('from another origin'))
    })
    for (const suffix of hostile) {
      const r = await fetchIn(page, `/files/cache/${suffix}`)
      expect(new TextDecoder().decode(new Uint8Array(r.body)), suffix).not.toContain('from another origin')
      expect(r.status, suffix).not.toBe(200)
    }
  })

  test('putFile with a hostile key writes only to this origin', async ({ controlled: page }) => {
    const urls = await page.evaluate(async () => {
      for (const key of ['/evil.test/lib.js', '//evil.test/lib.js', '\\evil.test\\lib.js', '%5C%5Cevil.test/lib.js', 'http://evil.test/lib.js', '\t//evil.test/lib.js']) {
        await window.putFile(`cache://uploads/${key}`, 'poison')
      }
      return (await (await caches.open('uploads')).keys()).map((request) => request.url)
    })
    expect(urls).toHaveLength(6)
    for (const url of urls) expect(new URL(url).origin, url).toBe(new URL(page.url()).origin)
  })
})

test('reads during a cache:// overwrite get the old file or the new one, whole', async ({ controlled: page }) => {
  const seen = await page.evaluate(async () => {
    const path = 'cache://assets/overwritten.bin'
    await window.putFile(path, new Uint8Array(1 << 20).fill(1))
    let writing = true
    const write = window.putFile(path, new Uint8Array(48 << 20).fill(2)).finally(() => (writing = false))
    const seen = new Set<string>()
    while (writing) {
      const response = await fetch('/files/cache/overwritten.bin', { cache: 'no-store' })
      const body = new Uint8Array(await response.arrayBuffer())
      const whole = body.length > 0 && body.every((b) => b === body[0])
      seen.add(`${response.status} ${body.length} ${whole ? `all ${body[0]}` : 'mixed'}`)
    }
    await write
    return [...seen]
  })
  for (const answer of seen) expect(['200 1048576 all 1', '200 50331648 all 2']).toContain(answer)
})
