import 'fake-indexeddb/auto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { harApp, loadHar, type Har, type HarEntry } from '../../src/har/index.js'
import { handle, type HandleOptions } from '../../src/sw/index.js'
import { App, JSONResponse, Mount, Route } from '../../src/index.js'
import { getFile, putFile } from '../../src/storage/index.js'
import type { ASGIApp } from '../../src/types.js'

type EntryInit = { method?: string; url: string; status?: number; text?: string; encoding?: string; file?: string; mimeType?: string; headers?: Record<string, string>; postData?: string; requestHeaders?: Record<string, string>; cookies?: HarEntry['response']['cookies'] }

const pairs = (headers: Record<string, string> = {}) => Object.entries(headers).map(([name, value]) => ({ name, value }))

function entry(init: EntryInit): HarEntry {
  return {
    request: {
      method: init.method ?? 'GET',
      url: init.url,
      headers: pairs(init.requestHeaders),
      ...(init.postData !== undefined && { postData: { mimeType: init.requestHeaders?.['content-type'] ?? 'text/plain', text: init.postData } }),
    },
    response: {
      status: init.status ?? 200,
      headers: pairs(init.headers),
      cookies: init.cookies ?? [],
      content: { mimeType: init.mimeType ?? 'text/plain', text: init.text, encoding: init.encoding, _file: init.file },
    },
  }
}

const har = (...entries: EntryInit[]): Har => ({ log: { entries: entries.map(entry) } })
const quiet: HandleOptions = { onError: () => {} }

function fetchFrom(app: ASGIApp, opts: HandleOptions = {}) {
  const handler = handle(app, { ...quiet, ...opts })
  return (url: string, init?: RequestInit) => handler(new Request(url, init))
}

describe('matching', () => {
  const fetch = fetchFrom(
    harApp(
      har(
        { url: 'http://api.test/items?a=1&b=2', text: 'a then b' },
        { url: 'http://api.test/items', text: 'no query' },
        { method: 'POST', url: 'http://api.test/items', text: 'posted' },
        { url: 'http://other.test/items', text: 'other origin' },
      ),
    ),
  )

  test('by method and URL, query order and fragment ignored', async () => {
    expect(await (await fetch('http://api.test/items?b=2&a=1#top')).text()).toBe('a then b')
    expect(await (await fetch('http://api.test/items')).text()).toBe('no query')
    expect(await (await fetch('http://api.test/items', { method: 'POST', body: 'x' })).text()).toBe('posted')
    expect(await (await fetch('http://other.test/items')).text()).toBe('other origin')
  })

  test('a different query value, an extra parameter or another method is no match', async () => {
    for (const [url, method] of [['http://api.test/items?a=1&b=3', 'GET'], ['http://api.test/items?a=1&b=2&c=3', 'GET'], ['http://api.test/items', 'DELETE']]) {
      expect((await fetch(url, { method })).type).toBe('error')
    }
  })

  test('HEAD uses the GET recording when there is no HEAD one', async () => {
    const response = await fetch('http://api.test/items', { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBe('8')
    expect(await response.text()).toBe('')
  })

  test('matchOrigin: false replays a recording on another origin', async () => {
    const anywhere = fetchFrom(harApp(har({ url: 'http://localhost:8000/api/x?q=1', text: 'recorded' }), { matchOrigin: false }))
    expect(await (await anywhere('https://demo.example/api/x?q=1')).text()).toBe('recorded')
    const strict = fetchFrom(harApp(har({ url: 'http://localhost:8000/api/x?q=1', text: 'recorded' })))
    expect((await strict('https://demo.example/api/x?q=1')).type).toBe('error')
  })

  test('several entries: the request body picks, else the first recorded', async () => {
    const search = fetchFrom(
      harApp(
        har(
          { method: 'POST', url: 'http://api.test/search', postData: '{"q":"cats"}', text: 'cats' },
          { method: 'POST', url: 'http://api.test/search', postData: '{"q":"dogs"}', text: 'dogs' },
        ),
      ),
    )
    const post = (body: string) => search('http://api.test/search', { method: 'POST', body }).then((r) => r.text())
    expect(await post('{"q":"dogs"}')).toBe('dogs')
    expect(await post('{"q":"cats"}')).toBe('cats')
    expect(await post('{"q":"birds"}')).toBe('cats')
  })

  test('a multipart body matches whatever its boundary', async () => {
    const form = (boundary: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="q"\r\n\r\n${value}\r\n--${boundary}--\r\n`
    const type = (boundary: string) => ({ 'content-type': `multipart/form-data; boundary=${boundary}` })
    const upload = fetchFrom(
      harApp(
        har(
          { method: 'POST', url: 'http://api.test/up', postData: form('rec1', 'one'), requestHeaders: type('rec1'), text: 'one' },
          { method: 'POST', url: 'http://api.test/up', postData: form('rec2', 'two'), requestHeaders: type('rec2'), text: 'two' },
        ),
      ),
    )
    const response = await upload('http://api.test/up', { method: 'POST', body: form('live', 'two'), headers: type('live') })
    expect(await response.text()).toBe('two')
  })

  test('the entries are the HAR’s own objects, their bodies decoded per request (never a second copy)', async () => {
    const recording = har({ url: 'http://api.test/live', text: 'before' })
    const fetch = fetchFrom(harApp(recording))
    recording.log.entries[0].response.content!.text = 'after'
    expect(await (await fetch('http://api.test/live')).text()).toBe('after')
  })
})

describe('recorded responses', () => {
  test('text and base64 bodies, status, headers; transfer headers recomputed', async () => {
    const fetch = fetchFrom(
      harApp(
        har(
          { url: 'http://x.test/text', text: 'héllo', mimeType: 'text/plain; charset=utf-8', status: 201, headers: { 'X-Custom': 'yes', 'Content-Length': '999', 'Content-Encoding': 'gzip' } },
          { url: 'http://x.test/bin', text: 'AAEC/v8=', encoding: 'base64', mimeType: 'application/octet-stream' },
          { url: 'http://x.test/gone', status: 304, headers: { etag: '"v1"' } },
          { url: 'http://x.test/moved', status: 302, headers: { location: '/text' } },
        ),
      ),
    )
    const text = await fetch('http://x.test/text')
    expect(text.status).toBe(201)
    expect(Object.fromEntries(text.headers)).toEqual({ 'x-custom': 'yes', 'content-type': 'text/plain; charset=utf-8', 'content-length': '6' })
    expect(await text.text()).toBe('héllo')
    expect([...new Uint8Array(await (await fetch('http://x.test/bin')).arrayBuffer())]).toEqual([0, 1, 2, 254, 255])
    const gone = await fetch('http://x.test/gone')
    expect([gone.status, gone.headers.get('etag')]).toEqual([304, '"v1"'])
    const moved = await fetch('http://x.test/moved')
    expect([moved.status, moved.headers.get('location')]).toEqual([302, 'http://x.test/text'])
  })

  test('recorded cookies go through onSetCookie (the worker’s jar), from headers or from the cookie list', async () => {
    const received: string[] = []
    const fetch = fetchFrom(
      harApp(
        har(
          { url: 'http://x.test/login', text: 'ok', headers: { 'set-cookie': 'session=abc; Path=/; HttpOnly' } },
          { url: 'http://x.test/theme', text: 'ok', cookies: [{ name: 'theme', value: 'dark', path: '/', domain: 'recorded.test', httpOnly: false, secure: true, sameSite: 'Lax' }] },
        ),
      ),
      { onSetCookie: (cookies) => void received.push(...cookies) },
    )
    expect((await fetch('http://x.test/login')).headers.has('set-cookie')).toBe(false)
    await fetch('http://x.test/theme')
    expect(received).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/; Secure; SameSite=Lax'])
  })

  test('an entry recorded without a response (a failed request) replays as a network error', async () => {
    const fetch = fetchFrom(harApp(har({ url: 'http://x.test/failed', status: 0 })))
    expect((await fetch('http://x.test/failed')).type).toBe('error')
  })

  test('an invalid base64 body is an error naming the entry', async () => {
    const errors: unknown[] = []
    const fetch = fetchFrom(harApp(har({ url: 'http://x.test/bad', text: '***', encoding: 'base64' })), { onError: (e) => errors.push(e) })
    expect((await fetch('http://x.test/bad')).status).toBe(500)
    expect(String(errors[0])).toContain('The recorded body of GET http://x.test/bad is not valid base64')
  })

  test('_file attachments are served from the store through FileResponse: ranges and 304', async () => {
    await putFile('idb://har-test/clip.webm', new Uint8Array(100).map((_, i) => i), { mediaType: 'video/webm' })
    const fetch = fetchFrom(harApp(har({ url: 'http://x.test/clip.webm', file: 'clip.webm', mimeType: 'video/webm', headers: { 'content-type': 'video/webm', etag: '"rec"' } }), { store: 'idb://har-test' }))
    const whole = await fetch('http://x.test/clip.webm')
    expect([whole.status, whole.headers.get('content-length'), whole.headers.get('etag')]).toEqual([200, '100', '"rec"'])
    const part = await fetch('http://x.test/clip.webm', { headers: { range: 'bytes=10-19' } })
    expect(part.status).toBe(206)
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    expect((await fetch('http://x.test/clip.webm', { headers: { 'if-none-match': '"rec"' } })).status).toBe(304)
  })

  test('a _file entry without a store is an error that says so', async () => {
    const errors: unknown[] = []
    const fetch = fetchFrom(harApp(har({ url: 'http://x.test/f', file: 'f.bin' })), { onError: (e) => errors.push(e) })
    expect((await fetch('http://x.test/f')).status).toBe(500)
    expect(String(errors[0])).toMatch(/in the file "f.bin", but harApp\(\) was given no store/)
  })
})

describe('notFound', () => {
  let server: Server
  let origin: string
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain', 'x-from': 'network' }).end(`network ${request.method} ${request.url} ${body}`))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const recording = () => har({ url: 'http://x.test/known', text: 'known' })

  test("'abort' (the default) answers everything it is asked, with a network error when unrecorded", async () => {
    const app = harApp(recording())
    expect(app.answersURL(new URL('http://x.test/unknown'), 'GET')).toBe(true)
    expect((await fetchFrom(app)('http://x.test/unknown')).type).toBe('error')
  })

  test("'abort' under a server without the error extension answers 502", async () => {
    const sent: { type: string; status?: unknown }[] = []
    await harApp(recording())({ ...(await scopeOf('http://x.test/unknown')), extensions: {} }, async () => ({ type: 'http.disconnect' }), async (m) => void sent.push(m))
    expect(sent[0]).toMatchObject({ type: 'http.response.start', status: 502 })
  })

  test("'fallback' says no to unrecorded requests, so that serve() leaves them to the network", () => {
    const app = harApp(recording(), { notFound: 'fallback' })
    expect(app.answersURL(new URL('http://x.test/known'), 'GET')).toBe(true)
    expect(app.answersURL(new URL('http://x.test/unknown'), 'GET')).toBe(false)
    expect(app.answersURL(new URL('http://x.test/known'), 'POST')).toBe(false)
  })

  test("'fallback' called anyway fetches from the network, body included", async () => {
    const fetch = fetchFrom(harApp(recording(), { notFound: 'fallback' }))
    const response = await fetch(`${origin}/live?x=1`, { method: 'POST', body: 'payload' })
    expect(response.headers.get('x-from')).toBe('network')
    expect(await response.text()).toBe('network POST /live?x=1 payload')
  })

  test("'fallback' with the network down is a network error", async () => {
    const down = `http://127.0.0.1:1/nothing`
    expect((await fetchFrom(harApp(recording(), { notFound: 'fallback' }))(down)).type).toBe('error')
  })

  test('mounted next to hand-written routes: the App answers what either answers', async () => {
    const app = new App({ routes: [new Route('/hello', () => new JSONResponse({ hand: 'written' })), new Mount('', harApp(recording(), { notFound: 'fallback' }))] })
    expect(app.answersURL(new URL('http://x.test/hello'), 'GET')).toBe(true)
    expect(app.answersURL(new URL('http://x.test/known'), 'GET')).toBe(true)
    expect(app.answersURL(new URL('http://x.test/unknown'), 'GET')).toBe(false)
    const fetch = fetchFrom(app)
    expect(await (await fetch('http://x.test/hello')).json()).toEqual({ hand: 'written' })
    expect(await (await fetch('http://x.test/known')).text()).toBe('known')
  })

  test('a bad notFound or a HAR without entries fails at once, naming the problem', () => {
    expect(() => harApp(recording(), { notFound: 'ignore' as 'abort' })).toThrow(/notFound must be 'abort' or 'fallback', got "ignore"/)
    expect(() => harApp({} as Har)).toThrow(/log.entries/)
    expect(() => harApp(har({ url: 'not a url' }))).toThrow(/HAR entry 0 has no valid request method and URL/)
  })

  test('a malformed entry fails when the HAR is indexed, naming the entry and the field', () => {
    const broken = (change: (entry: Record<string, any>) => void) => {
      const recording = har({ url: 'http://x.test/ok' }, { url: 'http://x.test/bad' })
      change(recording.log.entries[1] as unknown as Record<string, any>)
      return () => harApp(recording)
    }
    expect(broken((e) => delete e.response)).toThrow('HAR entry 1 (GET http://x.test/bad): "response" must be an object')
    expect(broken((e) => (e.response.headers = { 'content-type': 'text/plain' }))).toThrow('HAR entry 1 (GET http://x.test/bad): "response.headers" must be a list of {name, value} strings')
    expect(broken((e) => (e.response.headers = [{ name: 'x', value: 1 }]))).toThrow('"response.headers" must be a list of {name, value} strings')
    expect(broken((e) => (e.request.headers = [null]))).toThrow('HAR entry 1 (GET http://x.test/bad): "request.headers" must be a list of {name, value} strings')
    expect(broken((e) => (e.response.cookies = { a: '1' }))).toThrow('HAR entry 1 (GET http://x.test/bad): "response.cookies" must be a list of cookies with a name and a value')
    expect(broken((e) => (e.response.cookies = [null]))).toThrow('"response.cookies" must be a list of cookies with a name and a value')
    expect(broken((e) => (e.response.content = 'text'))).toThrow('HAR entry 1 (GET http://x.test/bad): "response.content" must be an object')
    expect(broken((e) => (e.response.content._file = 42))).toThrow('HAR entry 1 (GET http://x.test/bad): "response.content._file" must be a string')
    expect(broken((e) => (e.request.postData = 'q=1'))).toThrow('HAR entry 1 (GET http://x.test/bad): "request.postData" must be an object')
    // A recording without a response status (a failed request) is valid: it replays as a network error.
    expect(broken((e) => (e.response.status = -1))).not.toThrow()
  })
})

describe('loading', () => {
  afterEach(() => vi.unstubAllGlobals())

  test('while the HAR loads, the app answers every URL and waits for it', async () => {
    let resolve!: (har: Har) => void
    const app = harApp(new Promise<Har>((r) => (resolve = r)), { notFound: 'fallback' })
    expect(app.answersURL(new URL('http://x.test/unknown'), 'GET')).toBe(true)
    const pending = fetchFrom(app)('http://x.test/known')
    resolve(har({ url: 'http://x.test/known', text: 'known' }))
    expect(await (await pending).text()).toBe('known')
    expect(app.answersURL(new URL('http://x.test/unknown'), 'GET')).toBe(false)
  })

  test('loadHar stores the attachments and the HAR once; later loads read the store', async () => {
    const recording = har(
      { url: 'http://site.test/a', file: 'a1b2.txt' },
      { method: 'POST', url: 'http://site.test/q', postData: '', text: 'one' },
      { method: 'POST', url: 'http://site.test/q', postData: '', text: 'two' },
    )
    // Playwright's content: 'attach' puts request bodies in files too.
    recording.log.entries[1].request.postData!._file = 'p1.txt'
    recording.log.entries[2].request.postData!._file = 'p2.txt'
    const files: Record<string, string> = {
      'http://site.test/rec/session.har': JSON.stringify(recording),
      'http://site.test/rec/a1b2.txt': 'attached body',
      'http://site.test/rec/p1.txt': 'q=1',
      'http://site.test/rec/p2.txt': 'q=2',
    }
    const fetched: string[] = []
    vi.stubGlobal('fetch', async (url: string | URL) => {
      fetched.push(String(url))
      const body = files[String(url)]
      return Object.assign(new Response(body ?? 'missing', { status: body ? 200 : 404 }), {})
    })
    const loaded = await loadHar('http://site.test/rec/session.har', { store: 'idb://har-load' })
    expect(loaded.log.entries).toHaveLength(3)
    expect(fetched).toEqual(['http://site.test/rec/session.har', 'http://site.test/rec/p1.txt', 'http://site.test/rec/p2.txt', 'http://site.test/rec/a1b2.txt'])
    expect(await (await getFile('idb://har-load/a1b2.txt'))!.blob.text()).toBe('attached body')
    const again = await loadHar('http://site.test/rec/session.har', { store: 'idb://har-load' })
    expect(fetched).toHaveLength(4)
    vi.unstubAllGlobals()
    const fetch = fetchFrom(harApp(again, { store: 'idb://har-load' }))
    expect(await (await fetch('http://site.test/a')).text()).toBe('attached body')
    // The request bodies were inlined, so they pick among the entries.
    expect(await (await fetch('http://site.test/q', { method: 'POST', body: 'q=2' })).text()).toBe('two')
  })

  test('loadHar refuses an attachment on another origin and a missing one, naming them', async () => {
    const stub = (entries: Har) => vi.stubGlobal('fetch', async (url: string | URL) => (String(url).endsWith('.har') ? new Response(JSON.stringify(entries)) : new Response('', { status: 404 })))
    stub(har({ url: 'http://s.test/a', file: 'http://evil.test/x' }))
    await expect(loadHar('http://s.test/one.har', { store: 'idb://har-bad1' })).rejects.toThrow(/attachment outside its folder http:\/\/s.test\/: "http:\/\/evil.test\/x"/)
    // Beside the HAR means in its directory or below: not any URL of its origin (an API with side effects).
    for (const file of ['/api/account/delete?confirm=1', '../secrets.txt', 'sub/../../up.txt']) {
      stub(har({ url: 'http://s.test/a', file }))
      await expect(loadHar('http://s.test/rec/three.har', { store: 'idb://har-bad3' }), file).rejects.toThrow(`The HAR http://s.test/rec/three.har names an attachment outside its folder http://s.test/rec/: ${JSON.stringify(file)}`)
    }
    stub(har({ url: 'http://s.test/a', file: 'missing.bin' }))
    await expect(loadHar('http://s.test/two.har', { store: 'idb://har-bad2' })).rejects.toThrow(/Could not load http:\/\/s.test\/missing.bin, an attachment of the HAR http:\/\/s.test\/two.har: HTTP 404/)
  })
})

async function scopeOf(url: string) {
  let captured: unknown
  await handle(async (scope, _r, send) => {
    captured = scope
    await send({ type: 'http.response.error' })
  })(new Request(url))
  return captured as Parameters<ASGIApp>[0] & { type: 'http' }
}
