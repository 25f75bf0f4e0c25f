// Request bodies through the worker in every engine: what the page sends is what the app reads.
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testBytes } from '../app/bytes.js'
import { engines, useEngine, waitForPage } from './harness.js'

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine)

  test('a JSON POST reaches the app intact', async () => {
    const page = await browser.controlledPage()
    const payload = { name: 'Zoë', list: [1, 2.5, null, true], nested: { emoji: '🎉', quote: '"\\' } }
    const seen = await page.evaluate(async (payload) => {
      const r = await fetch('/api/requests/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
      return { status: r.status, text: await r.text() }
    }, payload)
    expect(seen.status, seen.text).toBe(200)
    expect(JSON.parse(seen.text)).toEqual({ method: 'POST', contentType: 'application/json', received: payload })
  })

  test('a <form> submit (urlencoded) navigates to the page the app builds from the fields', async () => {
    const page = await browser.controlledPage()
    const fields: [string, string][] = [
      ['name', 'Zoë & co'],
      ['note', 'a+b=c; 100% sure\r\nsecond line'],
      ['tag', 'x'],
      ['tag', 'y'],
    ]
    // The submit runs after evaluate returns, so no engine sees its script's page go away mid-call.
    await page.evaluate((fields) => {
      setTimeout(() => {
        const form = document.createElement('form')
        form.method = 'post'
        form.action = '/api/requests/form'
        for (const [name, value] of fields) {
          const input = document.createElement('textarea')
          input.name = name
          input.value = value
          form.append(input)
        }
        document.body.append(form)
        form.requestSubmit()
      })
    }, fields)
    const seen = await waitForPage(page, () => {
      const received = document.getElementById('received')
      return received ? { path: location.pathname, received: JSON.parse(received.textContent!) } : null
    })
    expect(seen).toEqual({
      path: '/api/requests/form',
      received: { method: 'POST', contentType: 'application/x-www-form-urlencoded', fields },
    })
  })

  test('a multipart upload of a 1 MiB binary file: the app gets every byte (SHA-256 and echo compared)', async () => {
    const page = await browser.controlledPage()
    const seed = 20260102
    const size = 1024 * 1024
    const expectedSha = createHash('sha256').update(testBytes(seed, size)).digest('hex')
    const seen = await page.evaluate(
      async ({ seed, size }) => {
        const hex = (digest: ArrayBuffer) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
        const bytes = window.testBytes(seed, size)
        const form = new FormData()
        form.append('note', 'héllo wörld')
        form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], 'upload test.bin', { type: 'application/x-test' }))
        const r = await fetch('/api/requests/upload', { method: 'POST', body: form })
        const echoed = new Uint8Array(await r.arrayBuffer())
        return {
          status: r.status,
          appSha: r.headers.get('x-sha256'),
          filename: decodeURIComponent(r.headers.get('x-filename') ?? ''),
          type: r.headers.get('x-file-type'),
          note: decodeURIComponent(r.headers.get('x-note') ?? ''),
          sentSha: hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)),
          echoedSha: hex(await crypto.subtle.digest('SHA-256', echoed)),
          echoedSize: echoed.length,
          identical: echoed.length === bytes.length && echoed.every((b, i) => b === bytes[i]),
          error: r.ok ? null : new TextDecoder().decode(echoed).slice(0, 300),
        }
      },
      { seed, size },
    )
    expect(seen.error).toBeNull()
    expect(seen.status).toBe(200)
    expect(seen.sentSha).toBe(expectedSha)
    expect(seen.appSha).toBe(expectedSha)
    expect(seen.echoedSha).toBe(expectedSha)
    expect(seen.echoedSize).toBe(size)
    expect(seen.identical).toBe(true)
    expect(seen).toMatchObject({ filename: 'upload test.bin', type: 'application/x-test', note: 'héllo wörld' })
  })

  test("a streamed request body (duplex: 'half') arrives chunk by chunk where the engine can send one", async () => {
    const page = await browser.controlledPage()
    const seen = await page.evaluate(async () => {
      // Feature test: an engine with upload streams reads `duplex` and sets no content-type for a stream.
      let duplexRead = false
      const probe = new Request('/api/upload', {
        method: 'POST',
        body: new ReadableStream(),
        get duplex() {
          duplexRead = true
          return 'half'
        },
      } as RequestInit)
      const supported = duplexRead && !probe.headers.has('content-type')
      const sizes = [1000, 2000, 3000]
      let body: BodyInit
      if (supported) {
        body = new ReadableStream<Uint8Array>({
          async start(controller) {
            for (const size of sizes) {
              controller.enqueue(new Uint8Array(size))
              await new Promise((r) => setTimeout(r, 100))
            }
            controller.close()
          },
        })
      } else {
        // Without upload streams the same bytes go as one Blob.
        body = new Blob(sizes.map((size) => new Uint8Array(size)))
      }
      const r = await fetch('/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit)
      return { supported, received: (await r.json()).sizes as number[] }
    })
    if (engine === 'chromium') expect(seen.supported, 'Chromium sends upload streams').toBe(true)
    expect(seen.received.reduce((a, b) => a + b, 0)).toBe(6000)
    expect(seen.received.at(-1)).toBe(0)
    // A stream arrives in more than one piece; a Blob may come whole.
    if (seen.supported) expect(seen.received.filter((n) => n > 0).length).toBeGreaterThan(1)
  })
})
