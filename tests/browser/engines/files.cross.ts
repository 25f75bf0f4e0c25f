// FileResponse in every engine, from both stores: the page stores a file with putFile, the worker
// serves it. WebKit's automation sessions are ephemeral (private), so its IndexedDB case is the
// "putFile('idb://…') in a private session" case.
import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import type { Page } from './driver.js'
import { engines, useEngine } from './harness.js'

const SIZE = 1000
const expected = (start: number, end: number) => Array.from({ length: end - start + 1 }, (_, k) => ((start + k) * 7) % 251)

/** Fetches in the page: status, headers and body bytes. */
function fetchIn(page: Page, url: string, init: RequestInit = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      const r = await fetch(url, init)
      return { status: r.status, headers: Object.fromEntries(r.headers), body: [...new Uint8Array(await r.arrayBuffer())] }
    },
    { url, init },
  )
}

const stores = [
  { store: 'Cache Storage', path: 'cache://assets/', url: '/files/cache/' },
  { store: 'IndexedDB', path: 'idb://files/', url: '/files/idb/' },
]

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine)

  describe.each(stores)('FileResponse from $store', ({ path: folder, url: route }) => {
    // A fresh name per test, so that no file left by an earlier test can answer.
    let path = ''
    let url = ''
    async function pageWithFile(): Promise<Page> {
      const name = `data-${randomUUID()}.bin`
      path = folder + name
      url = route + name
      const page = await browser.controlledPage()
      await page.evaluate(
        async ({ path, size }) => {
          const bytes = new Uint8Array(size).map((_, i) => (i * 7) % 251)
          await window.putFile(path, bytes, { mediaType: 'application/octet-stream', lastModified: Date.UTC(2026, 0, 2, 3, 4, 5) })
        },
        { path, size: SIZE },
      )
      return page
    }

    test(`putFile('${folder}…'), then the full body with validators`, async () => {
      const page = await pageWithFile()
      const r = await fetchIn(page, url)
      expect(r.status).toBe(200)
      expect(r.headers).toMatchObject({
        'content-length': String(SIZE),
        'content-type': 'application/octet-stream',
        'accept-ranges': 'bytes',
        'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT',
      })
      expect(r.headers.etag).toMatch(/^"[^"]+"$/)
      expect(r.body).toEqual(expected(0, SIZE - 1))
    })

    test('a Range request is a 206 with the bytes asked for', async () => {
      const page = await pageWithFile()
      const r = await fetchIn(page, url, { headers: { range: 'bytes=100-199' } })
      expect(r.status).toBe(206)
      expect(r.headers['content-range']).toBe(`bytes 100-199/${SIZE}`)
      expect(r.headers['content-length']).toBe('100')
      expect(r.body).toEqual(expected(100, 199))
    })

    test('If-None-Match with the ETag is a 304 without a body', async () => {
      const page = await pageWithFile()
      const first = await fetchIn(page, url)
      expect(first.headers.etag).toMatch(/^"[^"]+"$/)
      const again = await fetchIn(page, url, { headers: { 'if-none-match': first.headers.etag }, cache: 'no-store' })
      expect(again.status).toBe(304)
      expect(again.headers.etag).toBe(first.headers.etag)
      expect(again.body).toEqual([])
    })

    test('HEAD has the headers and no body', async () => {
      const page = await pageWithFile()
      const head = await fetchIn(page, url, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(head.headers['content-length']).toBe(String(SIZE))
      expect(head.headers['accept-ranges']).toBe('bytes')
      expect(head.body).toEqual([])
    })
  })
})
