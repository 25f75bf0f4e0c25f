import { describe, expect, test } from 'vitest'
import { HTTPException } from '../src/exceptions.js'
import { ClientDisconnect, Request } from '../src/requests.js'
import { parseOptionsHeader } from '../src/formparsers.js'
import type { HTTPScope, Message, Receive } from '../src/types.js'
import { httpScope } from './helpers/asgi.js'

const encoder = new TextEncoder()
const encode = (text: string) => encoder.encode(text)
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))

function scopeWith(headers: Record<string, string> = {}, overrides: Partial<HTTPScope> = {}): HTTPScope {
  return httpScope({ method: 'POST', headers: Object.entries(headers).map(([k, v]) => [latin1(k), latin1(v)]), ...overrides })
}

/** A receive that delivers `chunks` as http.request messages, then disconnects or waits forever. */
function bodyReceive(chunks: (string | Uint8Array)[], end: 'complete' | 'disconnect' = 'complete'): Receive & { calls: number } {
  const messages: Message[] = chunks.map((chunk, i) => ({
    type: 'http.request',
    body: typeof chunk === 'string' ? encode(chunk) : chunk,
    more_body: end === 'disconnect' || i < chunks.length - 1,
  }))
  if (end === 'disconnect') messages.push({ type: 'http.disconnect' })
  const receive = (async () => {
    receive.calls++
    return messages.shift() ?? new Promise<Message>(() => {})
  }) as Receive & { calls: number }
  receive.calls = 0
  return receive
}

function request(headers: Record<string, string>, chunks: (string | Uint8Array)[] = [], overrides: Partial<HTTPScope> = {}) {
  return new Request(scopeWith(headers, overrides), bodyReceive(chunks))
}

describe('scope properties', () => {
  test('method, url from the host header, full path and query', () => {
    const r = request({ host: 'example.com:8443' }, [], { scheme: 'https', path: '/api/a b', root_path: '/api', query_string: encode('x=1&x=2&y=%C3%A9') })
    expect(r.method).toBe('POST')
    expect(r.url.href).toBe('https://example.com:8443/api/a%20b?x=1&x=2&y=%C3%A9')
  })

  test('url falls back to the server address, omitting default ports', () => {
    expect(new Request(httpScope({ path: '/p' })).url.href).toBe('http://testserver/p')
    expect(new Request(httpScope({ path: '/p', server: ['10.0.0.1', 8000] })).url.href).toBe('http://10.0.0.1:8000/p')
    expect(new Request(httpScope({ path: '/p', scheme: 'https', server: ['::1', 443] })).url.href).toBe('https://[::1]/p')
  })

  test('url escapes ?, # and % that were decoded into the path', () => {
    const r = new Request(httpScope({ path: '/a?b#c%d' }))
    expect(r.url.pathname).toBe('/a%3Fb%23c%25d')
    expect(r.url.search).toBe('')
  })

  test('queryParams keeps every value of repeated keys', () => {
    const r = request({}, [], { query_string: encode('a=1&a=2&b=&c=x+y&d=%26') })
    expect(r.queryParams.getAll('a')).toEqual(['1', '2'])
    expect(r.queryParams.get('b')).toBe('')
    expect(r.queryParams.get('c')).toBe('x y')
    expect(r.queryParams.get('d')).toBe('&')
  })

  test('headers are case-insensitive and multi-valued', () => {
    const r = new Request(httpScope({ headers: [[encode('x-a'), encode('1')], [encode('x-a'), encode('2')]] }))
    expect(r.headers.get('X-A')).toBe('1')
    expect(r.headers.getAll('x-a')).toEqual(['1', '2'])
  })

  test('client, pathParams and state', () => {
    const r = new Request({ ...httpScope({ client: ['1.2.3.4', 5678] }), path_params: { id: 3 } } as HTTPScope)
    expect(r.client).toEqual({ host: '1.2.3.4', port: 5678 })
    expect(r.pathParams).toEqual({ id: 3 })
    expect(new Request(httpScope()).client).toBeNull()
    expect(new Request(httpScope()).pathParams).toEqual({})
    r.state.user = 'ada'
    expect(r.scope.state).toEqual({ user: 'ada' })
  })

  test('refuses a non-http scope', () => {
    expect(() => new Request({ type: 'lifespan', asgi: { version: '3.0' } } as never)).toThrow("needs an 'http' scope")
  })
})

describe('cookies', () => {
  // Cases from Starlette's test_cookies_edge_cases / test_cookies_invalid.
  const cases: [string, Record<string, string>][] = [
    ['', {}],
    ['chips=ahoy; vienna=finger', { chips: 'ahoy', vienna: 'finger' }],
    ['keebler="E=mc2; L=\\"Loves\\"; fudge=\\012;"', { keebler: '"E=mc2', L: '\\"Loves\\"', fudge: '\\012', '': '"' }],
    ['keebler=E=mc2', { keebler: 'E=mc2' }],
    ['key:term=value:term', { 'key:term': 'value:term' }],
    ['a=b; c=[; d=r; f=h', { a: 'b', c: '[', d: 'r', f: 'h' }],
    ['a=b; Domain=example.com', { a: 'b', Domain: 'example.com' }],
    ['a=b; h=i; a=c', { a: 'c', h: 'i' }],
    ['  a  =  b  ; c = d ', { a: 'b', c: 'd' }],
    ['abc', { '': 'abc' }],
    ['a=b; ;', { a: 'b' }],
    ['q="\\"quoted\\" \\073 \\351"', { q: '"quoted" ; \u00e9' }],
  ]
  test.each(cases)('%j', (header, expected) => {
    const cookies = new Request(scopeWith(header ? { cookie: header } : {})).cookies
    expect({ ...cookies }).toEqual({ ...expected })
    expect(Object.keys(cookies)).toEqual(Object.keys(expected))
  })

  test('a cookie named __proto__ is an ordinary entry', () => {
    const cookies = new Request(scopeWith({ cookie: '__proto__=x; a=1' })).cookies
    expect(Object.keys(cookies)).toEqual(['__proto__', 'a'])
    expect(cookies['__proto__']).toBe('x')
  })

  test('only the first cookie header is read', () => {
    const r = new Request(httpScope({ headers: [[encode('cookie'), encode('a=1')], [encode('cookie'), encode('b=2')]] }))
    expect({ ...r.cookies }).toEqual({ a: '1' })
  })
})

describe('body', () => {
  test('stream() yields the chunks as they arrive', async () => {
    const chunks: string[] = []
    for await (const chunk of request({}, ['ab', '', 'cd']).stream()) chunks.push(new TextDecoder().decode(chunk))
    expect(chunks).toEqual(['ab', 'cd'])
  })

  test('body() joins the chunks once; text() and stream() reuse them', async () => {
    const receive = bodyReceive(['hello ', 'world'])
    const r = new Request(scopeWith(), receive)
    expect(new TextDecoder().decode(await r.body())).toBe('hello world')
    expect(await r.text()).toBe('hello world')
    const replay: Uint8Array[] = []
    for await (const chunk of r.stream()) replay.push(chunk)
    expect(replay).toEqual([encode('hello world')])
    expect(receive.calls).toBe(2)
  })

  test('concurrent body() calls share one read', async () => {
    const r = request({}, ['x', 'y'])
    const [a, b] = await Promise.all([r.body(), r.body()])
    expect(a).toBe(b)
  })

  test('a second stream() after streaming is an error', async () => {
    const r = request({}, ['x'])
    for await (const _ of r.stream()) void _
    await expect(r.stream().next()).rejects.toThrow('already consumed')
  })

  test('a disconnect mid-body throws ClientDisconnect', async () => {
    const r = new Request(scopeWith(), bodyReceive(['partial'], 'disconnect'))
    await expect(r.body()).rejects.toBeInstanceOf(ClientDisconnect)
    expect(await r.isDisconnected()).toBe(true)
  })

  test('a Request without a receive says so when the body is read', async () => {
    await expect(new Request(httpScope()).body()).rejects.toThrow('without a receive channel')
  })

  test('body bytes are kept exactly', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(await request({}, [bytes.subarray(0, 100), bytes.subarray(100)]).body()).toEqual(bytes)
  })
})

describe('json', () => {
  test('parses the body, once', async () => {
    const r = request({ 'content-type': 'application/json' }, ['{"a":', '[1,2]}'])
    expect(await r.json()).toEqual({ a: [1, 2] })
    expect(await r.json()).toBe(await r.json())
  })

  test('malformed JSON is an HTTPException(400) naming the problem', async () => {
    for (const body of ['{"a":', '', 'nope']) {
      const error = await request({}, [body]).json().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(HTTPException)
      expect((error as HTTPException).statusCode).toBe(400)
      expect((error as HTTPException).detail).toMatch(/^Malformed JSON: /)
    }
  })
})

describe('isDisconnected', () => {
  test('false while the client is there, without losing body messages', async () => {
    const r = new Request(scopeWith(), bodyReceive(['a', 'b']))
    expect(await r.isDisconnected()).toBe(false)
    expect(await r.isDisconnected()).toBe(false)
    expect(await r.text()).toBe('ab')
    expect(await r.isDisconnected()).toBe(false)
  })

  test('true once the client has gone', async () => {
    expect(await new Request(scopeWith(), bodyReceive(['a'], 'disconnect')).isDisconnected()).toBe(true)
  })

  test('notices a disconnect that arrives later', async () => {
    let disconnect!: () => void
    let first = true
    const receive: Receive = async () => {
      if (first) {
        first = false
        return { type: 'http.request', body: new Uint8Array(0), more_body: false }
      }
      return new Promise<Message>((resolve) => (disconnect = () => resolve({ type: 'http.disconnect' })))
    }
    const r = new Request(scopeWith(), receive)
    expect(await r.isDisconnected()).toBe(false)
    disconnect()
    expect(await r.isDisconnected()).toBe(true)
  })
})

describe('urlencoded forms', () => {
  const form = (body: string, options = {}) => request({ 'content-type': 'application/x-www-form-urlencoded' }, [body]).form(options)

  test('parses fields, repeated names, + and percent escapes', async () => {
    const data = await form('a=1&a=2&name=J%C3%BCrgen+K&empty=&flag')
    expect(data.getAll('a')).toEqual(['1', '2'])
    expect(data.get('name')).toBe('Jürgen K')
    expect(data.get('empty')).toBe('')
    expect(data.get('flag')).toBe('')
  })

  test('maxFields applies', async () => {
    await expect(form('a=1&b=2&c=3', { maxFields: 2 })).rejects.toMatchObject({ statusCode: 400, detail: 'Too many fields. Maximum number of fields is 2.' })
    expect([...(await form('a=1&b=2', { maxFields: 2 })).keys()]).toEqual(['a', 'b'])
  })

  test('other content types give an empty form', async () => {
    expect([...(await request({ 'content-type': 'text/plain' }, ['a=1']).form()).keys()]).toEqual([])
    expect([...(await request({}, ['a=1']).form()).keys()]).toEqual([])
  })
})

describe('multipart forms', () => {
  const BOUNDARY = '----swasgiBoundary7MA4YWxkTrZu0gW'

  function concat(...parts: (string | Uint8Array)[]): Uint8Array {
    const bytes = parts.map((part) => (typeof part === 'string' ? encode(part) : part))
    const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0))
    let offset = 0
    for (const b of bytes) out.set(b, (offset += b.length) - b.length)
    return out
  }

  function multipart(body: Uint8Array | string, contentType = `multipart/form-data; boundary=${BOUNDARY}`, chunkSize = 7) {
    const bytes = typeof body === 'string' ? encode(body) : body
    const chunks: Uint8Array[] = []
    for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize))
    return request({ 'content-type': contentType }, chunks.length ? chunks : [new Uint8Array(0)])
  }

  const field = (name: string, value: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  const end = `--${BOUNDARY}--\r\n`

  test('fields and a binary file with every byte value, split across chunks', async () => {
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256)
    // The file also contains CRLF and a near-boundary, which must not end it.
    const content = concat(bytes, `\r\n--${BOUNDARY.slice(0, -1)}\r\n`, bytes)
    const body = concat(
      field('title', 'Hello, wörld'),
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="data.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      content,
      '\r\n',
      field('title', 'second'),
      end,
    )
    const data = await multipart(body).form()
    expect(data.getAll('title')).toEqual(['Hello, wörld', 'second'])
    const file = data.get('upload') as File
    expect(file).toBeInstanceOf(File)
    expect(file.name).toBe('data.bin')
    expect(file.type).toBe('application/octet-stream')
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(content)
  })

  test('empty file parts, missing content types and UTF-8 filenames', async () => {
    const body =
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="empty"; filename=""\r\n\r\n\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="doc"; filename="r\u00e9sum\u00e9 \\"v2\\";x.txt"\r\n\r\nhi\r\n` +
      end
    const data = await multipart(body).form()
    const empty = data.get('empty') as File
    expect([empty.name, empty.size, empty.type]).toEqual(['', 0, ''])
    const doc = data.get('doc') as File
    expect(doc.name).toBe('résumé "v2";x.txt')
    expect(await doc.text()).toBe('hi')
  })

  test('a preamble, transport padding, an epilogue and a quoted boundary are accepted', async () => {
    const body = `preamble\r\n--${BOUNDARY}  \r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${BOUNDARY}--\r\nepilogue`
    expect((await multipart(body, `multipart/form-data; boundary="${BOUNDARY}"`).form()).get('a')).toBe('1')
  })

  test('a field in another charset falls back to latin-1 when it is not valid UTF-8', async () => {
    const body = concat(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="n"\r\n\r\n`, Uint8Array.of(0x63, 0x61, 0x66, 0xe9), `\r\n${end}`)
    expect((await multipart(body).form()).get('n')).toBe('café')
  })

  test('the form is parsed once', async () => {
    const r = multipart(field('a', '1') + end)
    expect(await r.form()).toBe(await r.form())
  })

  const rejects = async (r: Request, status: number, detail: string | RegExp, options = {}) => {
    const error = await r.form(options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HTTPException)
    expect((error as HTTPException).statusCode).toBe(status)
    expect((error as HTTPException).detail).toMatch(detail)
  }

  test('malformed bodies are 400s that say what is wrong', async () => {
    await rejects(multipart(field('a', '1') + end, 'multipart/form-data'), 400, 'Missing boundary in multipart.')
    await rejects(multipart('no boundary here'), 400, 'Malformed multipart body: no boundary found.')
    await rejects(multipart(field('a', '1')), 400, 'Malformed multipart body: the closing boundary is missing.')
    await rejects(multipart(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n`), 400, 'part headers are not terminated')
    await rejects(multipart(`--${BOUNDARY}garbage\r\n\r\n\r\n${end}`), 400, 'expected CRLF after a boundary')
    await rejects(multipart(`--${BOUNDARY}\r\nnot a header\r\n\r\nx\r\n${end}`), 400, 'invalid part header line "not a header"')
    await rejects(multipart(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n${end}`), 400, 'The Content-Disposition header field "name" must be provided.')
    await rejects(multipart(''), 400, 'no boundary found')
  })

  test('limits: files, fields and part size', async () => {
    const file = (name: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.txt"\r\n\r\nx\r\n`
    await rejects(multipart(file('a') + file('b') + end), 400, 'Too many files. Maximum number of files is 1.', { maxFiles: 1 })
    await rejects(multipart(field('a', '1') + field('b', '2') + end), 400, 'Too many fields. Maximum number of fields is 1.', { maxFields: 1 })
    await rejects(multipart(field('a', 'x'.repeat(2049)) + end), 413, 'Part exceeded maximum size of 2KB.', { maxPartSize: 2048 })
    // At the limit is fine, and files are not held to maxPartSize (as in Starlette).
    const ok = await multipart(field('a', 'x'.repeat(2048)) + file('f') + end).form({ maxPartSize: 2048, maxFiles: 1, maxFields: 1 })
    expect((ok.get('a') as string).length).toBe(2048)
  })
})

describe('parseOptionsHeader', () => {
  test('splits the value and its parameters, quoted or not', () => {
    expect(parseOptionsHeader('Multipart/Form-Data; Boundary=abc; charset="utf-8"')).toEqual(['multipart/form-data', { boundary: 'abc', charset: 'utf-8' }])
    expect(parseOptionsHeader('form-data; name="a;b"; filename="C:\\dir\\f.txt"')).toEqual(['form-data', { name: 'a;b', filename: 'C:\\dir\\f.txt' }])
    expect(parseOptionsHeader('text/plain')).toEqual(['text/plain', {}])
    expect(parseOptionsHeader('x;; a=1 ;b')).toEqual(['x', { a: '1', b: '' }])
  })
})
