import 'fake-indexeddb/auto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FileResponse } from '../../src/responses/index.js'
import { putFile } from '../../src/storage/index.js'
import { handle } from '../../src/sw/index.js'
import { encodeLatin1 } from '../../src/bytes.js'
import type { Message, Receive } from '../../src/types.js'
import { headerPairs, httpScope, recordingSend, scriptedReceive } from '../helpers/asgi.js'
import { FakeCacheStorage } from '../storage/fake-caches.js'

// 1000 bytes that differ from their neighbours, so that an off-by-one shows.
const DATA = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) % 256)
const PATH = 'idb://files/data.bin'
const MODIFIED = Date.UTC(2024, 4, 6, 7, 8, 9, 123)
const LAST_MODIFIED = 'Mon, 06 May 2024 07:08:09 GMT'

await putFile(PATH, DATA, { lastModified: MODIFIED })

interface Answer {
  status: number
  headers: [string, string][]
  header(name: string): string | null
  body: Uint8Array
  messages: Message[]
}

/** Calls a response with a request of `method` and `headers`, and collects what it sent. */
async function fetchFrom(response: FileResponse, headers: Record<string, string> = {}, method = 'GET', receive: Receive = scriptedReceive()): Promise<Answer> {
  const scope = httpScope({ method, headers: Object.entries(headers).map(([k, v]) => [encodeLatin1(k.toLowerCase()), encodeLatin1(v)]) })
  const send = recordingSend()
  await response(scope, receive, send)
  const [start, ...messages] = send.messages
  expect(start.type).toBe('http.response.start')
  const pairs = headerPairs(start)
  return {
    status: start.status as number,
    headers: pairs,
    header: (name) => pairs.find(([k]) => k === name)?.[1] ?? null,
    body: new Uint8Array(Buffer.concat(messages.map((m) => m.body as Uint8Array))),
    messages,
  }
}

const get = (headers: Record<string, string> = {}, method = 'GET') => fetchFrom(new FileResponse(PATH), headers, method)
const bytes = (start: number, end: number) => DATA.slice(start, end + 1)

/** Whatever ETag FileResponse gives the test file; what it must be is pinned in 'FileResponse: the ETag'. */
const ETAG = (await get()).header('etag')!

// RFC 2046 §5.1.1: 1-70 of these characters, the last not a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/

/** The boundary a multipart/byteranges content-type names, checked to be a valid one. */
function boundaryOf(contentType: string | null): string {
  const boundary = /^multipart\/byteranges; boundary=(.*)$/.exec(contentType ?? '')?.[1]
  expect(boundary).toMatch(BOUNDARY)
  return boundary!
}

/** Splits a multipart/byteranges body into its parts, checking the framing byte by byte on the way. */
function parseMultipart(answer: Answer): { headers: Record<string, string>; data: Uint8Array }[] {
  const boundary = boundaryOf(answer.header('content-type'))
  const text = Buffer.from(answer.body).toString('latin1')
  expect(text.startsWith(`--${boundary}\r\n`)).toBe(true)
  expect(text.endsWith(`\r\n--${boundary}--`)).toBe(true)
  const chunks = text.slice(`--${boundary}\r\n`.length, -`\r\n--${boundary}--`.length).split(`\r\n--${boundary}\r\n`)
  return chunks.map((chunk) => {
    const split = chunk.indexOf('\r\n\r\n')
    const headers = Object.fromEntries(chunk.slice(0, split).split('\r\n').map((line) => line.split(': ') as [string, string]))
    return { headers, data: Uint8Array.from(Buffer.from(chunk.slice(split + 4), 'latin1')) }
  })
}

describe('FileResponse: a plain GET', () => {
  it('sends every header, then the whole file', async () => {
    const answer = await get()
    expect(answer.status).toBe(200)
    expect(answer.headers).toEqual([
      ['content-type', 'application/octet-stream'],
      ['accept-ranges', 'bytes'],
      ['content-length', '1000'],
      ['last-modified', LAST_MODIFIED],
      ['etag', ETAG],
    ])
    expect(answer.body).toEqual(DATA)
    expect(answer.messages.at(-1)).toMatchObject({ more_body: false })
  })

  it('is built without touching the store: the constructor is synchronous and a missing path only fails when called', () => {
    const response = new FileResponse('idb://files/not-there.bin', { filename: 'x.txt' })
    expect(response.path).toBe('idb://files/not-there.bin')
    expect(response.headers.entries()).toEqual([
      ['accept-ranges', 'bytes'],
      ['content-disposition', 'attachment; filename="x.txt"'],
    ])
  })

  it('orders its headers as Starlette does: the given ones, content-type, accept-ranges, content-disposition, then the file’s', async () => {
    const response = new FileResponse(PATH, { filename: 'data.bin', headers: { 'x-req': '1', 'cache-control': 'no-cache' } })
    response.setCookie('session', 'abc')
    expect((await fetchFrom(response)).headers.map(([name]) => name)).toEqual([
      'x-req',
      'cache-control',
      'content-type',
      'accept-ranges',
      'content-disposition',
      'set-cookie',
      'content-length',
      'last-modified',
      'etag',
    ])
  })

  it('keeps a given content-type or accept-ranges where the user put it', async () => {
    const response = new FileResponse(PATH, { headers: { 'accept-ranges': 'none', 'content-type': 'font/woff2' } })
    expect((await fetchFrom(response)).headers.map(([name]) => name)).toEqual(['accept-ranges', 'content-type', 'content-length', 'last-modified', 'etag'])
  })

  it('takes a bare status code as its second argument', async () => {
    expect((await fetchFrom(new FileResponse(PATH, 203))).status).toBe(203)
  })

  it('keeps a content-length, last-modified or etag given by the user', async () => {
    const answer = await fetchFrom(new FileResponse(PATH, { headers: { etag: '"mine"', 'last-modified': 'Tue, 14 Nov 2023 22:13:20 GMT' } }))
    expect(answer.header('etag')).toBe('"mine"')
    expect(answer.header('last-modified')).toBe('Tue, 14 Nov 2023 22:13:20 GMT')
  })

  it('runs the background work after the last body message', async () => {
    const order: string[] = []
    const response = new FileResponse(PATH, { background: () => void order.push('background') })
    const send = recordingSend()
    await response(httpScope(), scriptedReceive(), async (message) => {
      order.push(message.type === 'http.response.body' && message.more_body === false ? 'last body' : message.type)
      await send(message)
    })
    expect(order.at(-2)).toBe('last body')
    expect(order.at(-1)).toBe('background')
  })
})

describe('FileResponse: the ETag', () => {
  const etagOf = async (path: string) => (await fetchFrom(new FileResponse(path))).header('etag')

  it('is a strong, quoted entity tag (RFC 9110 §8.8.3)', () => {
    expect(ETAG).toMatch(/^"[\x21\x23-\x7e]+"$/)
  })

  it('is the same for the same file, from any instance', async () => {
    expect(await etagOf(PATH)).toBe(ETAG)
  })

  it('changes when the file’s size changes, or its modification time', async () => {
    await putFile('idb://files/longer.bin', new Uint8Array(1001), { lastModified: MODIFIED })
    await putFile('idb://files/later.bin', DATA, { lastModified: MODIFIED + 1000 })
    const tags = [ETAG, await etagOf('idb://files/longer.bin'), await etagOf('idb://files/later.bin')]
    expect(new Set(tags).size).toBe(3)
  })
})

describe('FileResponse: a missing file', () => {
  it('rejects with an error naming the path, before sending anything', async () => {
    const send = recordingSend()
    await expect(new FileResponse('idb://files/missing.bin')(httpScope(), scriptedReceive(), send)).rejects.toThrow(
      new Error('File at path idb://files/missing.bin does not exist.'),
    )
    expect(send.messages).toEqual([])
  })

  it('becomes a 500 through the adapter', async () => {
    const response = await handle(new FileResponse('idb://files/missing.bin'), { onError: () => {} })(new Request('http://localhost/missing'))
    expect(response.status).toBe(500)
  })
})

describe('FileResponse: media type', () => {
  beforeAll(async () => {
    await putFile('idb://media/stored.bin', 'x', { mediaType: 'image/png' })
    await putFile('idb://media/unknown', 'x')
    await putFile('idb://media/page.html', 'x')
  })

  const contentType = async (path: string, options = {}) => (await fetchFrom(new FileResponse(path, options))).header('content-type')

  it('is the explicit media type first', async () => {
    expect(await contentType('idb://media/stored.bin', { mediaType: 'image/jpeg', filename: 'a.pdf' })).toBe('image/jpeg')
  })

  it('else the stored one, over any guess', async () => {
    expect(await contentType('idb://media/stored.bin', { filename: 'a.pdf' })).toBe('image/png')
  })

  it('else a guess from the filename, then from the path (the store labels unknown files octet-stream)', async () => {
    expect(await contentType('idb://media/unknown', { filename: 'a.pdf' })).toBe('application/pdf')
    expect(await contentType(PATH, { filename: 'notes.md' })).toBe('text/markdown; charset=utf-8')
    expect(await contentType('idb://media/unknown')).toBe('application/octet-stream')
  })

  it('names the charset of text types', async () => {
    expect(await contentType('idb://media/page.html')).toBe('text/html; charset=utf-8')
    expect(await contentType('idb://media/stored.bin', { mediaType: 'text/csv' })).toBe('text/csv; charset=utf-8')
    expect(await contentType('idb://media/stored.bin', { mediaType: 'text/csv; charset=latin-1' })).toBe('text/csv; charset=latin-1')
  })

  it('leaves a content-type header given by the user alone', async () => {
    expect(await contentType('idb://media/stored.bin', { headers: { 'Content-Type': 'font/woff2' } })).toBe('font/woff2')
  })
})

describe('FileResponse: content-disposition', () => {
  it.each([
    [{ filename: 'report.pdf' }, 'attachment; filename="report.pdf"'],
    [{ filename: 'hello.txt', contentDispositionType: 'inline' }, 'inline; filename="hello.txt"'],
    [{ filename: 'dir/x.txt' }, 'attachment; filename="dir/x.txt"'],
    [{ filename: 'naïve file.txt', contentDispositionType: 'inline' }, "inline; filename*=utf-8''na%C3%AFve%20file.txt"],
    [{ filename: '你好.txt' }, "attachment; filename*=utf-8''%E4%BD%A0%E5%A5%BD.txt"],
    [{ filename: 'a b"c;.txt' }, "attachment; filename*=utf-8''a%20b%22c%3B.txt"],
    [{ filename: "it's (1)!*.txt" }, "attachment; filename*=utf-8''it%27s%20%281%29%21%2A.txt"],
    [{ filename: '%41.txt' }, "attachment; filename*=utf-8''%2541.txt"],
  ])('%o → %s', async (options, expected) => {
    expect((await fetchFrom(new FileResponse(PATH, options))).header('content-disposition')).toBe(expected)
  })

  it('is absent without a filename, and a user value wins', async () => {
    expect((await get()).header('content-disposition')).toBeNull()
    const response = new FileResponse(PATH, { filename: 'a.txt', headers: { 'content-disposition': 'inline' } })
    expect(response.headers.getAll('content-disposition')).toEqual(['inline'])
  })
})

describe('FileResponse: HEAD', () => {
  it('sends the GET headers and one empty, final body message', async () => {
    const head = await get({}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers).toEqual((await get()).headers)
    expect(head.messages).toEqual([{ type: 'http.response.body', body: new Uint8Array(0), more_body: false }])
  })

  it('reads the method case-insensitively', async () => {
    expect((await get({}, 'head')).body.length).toBe(0)
  })

  it('ignores Range: 200, full headers, no body', async () => {
    const head = await get({ range: 'bytes=0-4' }, 'HEAD')
    expect([head.status, head.header('content-length'), head.header('content-range'), head.body.length]).toEqual([200, '1000', null, 0])
  })

  it('still fails for a missing file', async () => {
    await expect(fetchFrom(new FileResponse('idb://files/missing.bin'), {}, 'HEAD')).rejects.toThrow('does not exist')
  })
})

describe('FileResponse: single ranges (the RFC 9110 column of the range table)', () => {
  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-100', 900, 999],
    ['bytes=0-999', 0, 999],
    ['bytes=0-1000', 0, 999],
    ['bytes=0-5000', 0, 999],
    ['bytes=-2000', 0, 999],
    ['bytes=0-', 0, 999],
    ['bytes=999-999', 999, 999],
    ['bytes=0-4,5-9', 0, 9],
    ['bytes=0-4, 2000-3000', 0, 4],
  ])('%s → 206 bytes %i-%i/1000', async (range, start, end) => {
    const answer = await get({ range })
    expect(answer.status).toBe(206)
    expect(answer.header('content-range')).toBe(`bytes ${start}-${end}/1000`)
    expect(answer.header('content-length')).toBe(String(end - start + 1))
    expect(answer.header('content-type')).toBe('application/octet-stream')
    expect(answer.header('etag')).toBe(ETAG)
    expect(answer.body).toEqual(bytes(start, end))
  })

  it('orders the headers as Starlette 1.x’s 206: the 200’s, content-length replaced in place, content-range last', async () => {
    const answer = await get({ range: 'bytes=0-4' })
    expect(answer.headers).toEqual([
      ['content-type', 'application/octet-stream'],
      ['accept-ranges', 'bytes'],
      ['content-length', '5'],
      ['last-modified', LAST_MODIFIED],
      ['etag', ETAG],
      ['content-range', 'bytes 0-4/1000'],
    ])
  })

  it.each(['bytes=1000-', 'bytes=-0', 'bytes=1000-1001, 5000-'])('%s → 416 with content-range bytes */1000 and no body', async (range) => {
    const background = vi.fn()
    const answer = await fetchFrom(new FileResponse(PATH, { background }), { range })
    expect(answer.status).toBe(416)
    expect(answer.header('content-range')).toBe('bytes */1000')
    expect(answer.header('content-length')).toBe('0')
    expect(answer.body.length).toBe(0)
    expect(background).not.toHaveBeenCalled()
  })

  it.each(['bytes=5-2', 'bytes=abc', 'items=0-5', 'bytes 0-5', 'bytes=', 'bytes=0-4,abc'])('%s is ignored → 200, the whole file', async (range) => {
    const answer = await get({ range })
    expect([answer.status, answer.header('content-range'), answer.header('content-length')]).toEqual([200, null, '1000'])
    expect(answer.body).toEqual(DATA)
  })

  it('answers more than 100 ranges with one full 200', async () => {
    const range = `bytes=${Array.from({ length: 101 }, (_, i) => `${i * 3}-${i * 3}`).join(',')}`
    const answer = await get({ range })
    expect([answer.status, answer.body.length]).toEqual([200, 1000])
  })

  it('a 416 is Starlette 1.x’s, with the app’s own headers (Set-Cookie included) ahead of it', async () => {
    const response = new FileResponse(PATH, { filename: 'data.bin', headers: { 'x-req': '1' } })
    response.setCookie('session', 'abc')
    const answer = await fetchFrom(response, { range: 'bytes=5000-' })
    expect(answer.status).toBe(416)
    expect(answer.headers).toEqual([
      ['x-req', '1'],
      ['set-cookie', 'session=abc; Path=/; SameSite=lax'],
      ['content-range', 'bytes */1000'],
      ['content-length', '0'],
      ['content-type', 'text/plain; charset=utf-8'],
    ])
    // Without headers of the app's own, byte for byte Starlette 1.x's 416.
    expect((await get({ range: 'bytes=5000-' })).headers).toEqual([
      ['content-range', 'bytes */1000'],
      ['content-length', '0'],
      ['content-type', 'text/plain; charset=utf-8'],
    ])
  })

  it('ignores Range on methods other than GET', async () => {
    expect((await get({ range: 'bytes=0-4' }, 'POST')).status).toBe(200)
  })

  it('ignores Range when the status given is not 200 (a file served as an error page)', async () => {
    const answer = await fetchFrom(new FileResponse(PATH, { statusCode: 404 }), { range: 'bytes=0-4' })
    expect([answer.status, answer.body.length]).toEqual([404, 1000])
  })

  it('does not leak one request’s range headers into the next (one instance serves many requests)', async () => {
    const response = new FileResponse(PATH)
    expect((await fetchFrom(response, { range: 'bytes=0-4' })).status).toBe(206)
    const plain = await fetchFrom(response)
    expect([plain.status, plain.header('content-range'), plain.header('content-length')]).toEqual([200, null, '1000'])
    expect(response.headers.entries()).toEqual([['accept-ranges', 'bytes']])
  })

  it('answers every range of an empty file with 416, except a suffix, which gets the empty file', async () => {
    await putFile('idb://files/empty.bin', new Uint8Array(0))
    const empty = new FileResponse('idb://files/empty.bin')
    expect((await fetchFrom(empty, { range: 'bytes=0-' })).header('content-range')).toBe('bytes */0')
    const suffix = await fetchFrom(empty, { range: 'bytes=-5' })
    expect([suffix.status, suffix.header('content-length'), suffix.body.length]).toEqual([200, '0', 0])
  })
})

describe('FileResponse: multiple ranges', () => {
  it('bytes=0-0,5-9 → 206 multipart/byteranges with exact parts and content-length', async () => {
    const answer = await get({ range: 'bytes=0-0,5-9' })
    expect(answer.status).toBe(206)
    expect(answer.header('content-range')).toBeNull()
    expect(answer.header('content-length')).toBe(String(answer.body.length))
    expect(parseMultipart(answer)).toEqual([
      { headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': 'bytes 0-0/1000' }, data: bytes(0, 0) },
      { headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': 'bytes 5-9/1000' }, data: bytes(5, 9) },
    ])
  })

  it('sorts and merges the parts, and frames bytes that look like CRLF or a boundary unharmed', async () => {
    const answer = await get({ range: 'bytes=900-, 20-30, 0-4, 3-8, 500-600' })
    expect(parseMultipart(answer).map((part) => [part.headers['Content-Range'], part.data])).toEqual([
      ['bytes 0-8/1000', bytes(0, 8)],
      ['bytes 20-30/1000', bytes(20, 30)],
      ['bytes 500-600/1000', bytes(500, 600)],
      ['bytes 900-999/1000', bytes(900, 999)],
    ])
    expect(answer.header('content-length')).toBe(String(answer.body.length))
  })

  it('has Starlette 1.x’s exact framing, each part typed as the file (charset included)', async () => {
    await putFile('idb://files/readme.txt', '# BáiZé\n\nPowerful', { mediaType: 'text/plain' })
    const answer = await fetchFrom(new FileResponse('idb://files/readme.txt'), { range: 'bytes=0-4, 10-14' })
    const boundary = boundaryOf(answer.header('content-type'))
    const expected =
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-4/19\r\n\r\n# B\xc3\xa1\r\n` +
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 10-14/19\r\n\r\n\nPowe\r\n` +
      `--${boundary}--`
    expect(Buffer.from(answer.body).toString('latin1')).toBe(expected)
    expect(answer.header('content-length')).toBe(String(expected.length))
    // Starlette 1.x: content-type replaced in place, no content-range.
    expect(answer.headers.map(([name]) => name)).toEqual(['content-type', 'accept-ranges', 'content-length', 'last-modified', 'etag'])
  })

  it('uses a fresh random boundary per response', async () => {
    const boundaries = await Promise.all([1, 2, 3].map(async () => (await get({ range: 'bytes=0-0,5-9' })).header('content-type')))
    expect(new Set(boundaries).size).toBe(3)
  })
})

describe('FileResponse: If-Range', () => {
  it.each([
    ['the current ETag', ETAG, 206],
    ['the Last-Modified date', LAST_MODIFIED, 206],
    ['the same instant in RFC 850 form', 'Monday, 06-May-24 07:08:09 GMT', 206],
    ['another ETag', '"nope"', 200],
    ['the weak form of the current ETag', `W/${ETAG}`, 200],
    ['an older date', 'Mon, 06 May 2024 07:08:08 GMT', 200],
    ['something that is neither', 'yesterday', 200],
  ])('%s → %i', async (_, ifRange, status) => {
    const answer = await get({ range: 'bytes=0-4', 'if-range': ifRange })
    expect(answer.status).toBe(status)
    expect(answer.body.length).toBe(status === 206 ? 5 : 1000)
  })

  it('compares with an ETag given by the user', async () => {
    const response = new FileResponse(PATH, { headers: { etag: '"a_non_autogenerated_etag"' } })
    expect((await fetchFrom(response, { range: 'bytes=0-4', 'if-range': '"a_non_autogenerated_etag"' })).status).toBe(206)
  })

  it('without a Range does nothing', async () => {
    expect((await get({ 'if-range': '"nope"' })).status).toBe(200)
  })
})

describe('FileResponse: If-None-Match and If-Modified-Since', () => {
  it.each([
    ['the ETag', ETAG],
    ['its weak form (weak comparison)', `W/${ETAG}`],
    ['*', '*'],
    ['a list naming it', `"other", ${ETAG}`],
  ])('If-None-Match: %s → 304 with the validators and the app’s own headers, no body', async (_, value) => {
    const background = vi.fn()
    const response = new FileResponse(PATH, { background, filename: 'data.bin', headers: { 'cache-control': 'no-cache', 'x-other': '1' } })
    response.setCookie('session', 'abc')
    const answer = await fetchFrom(response, { 'if-none-match': value })
    expect(answer.status).toBe(304)
    // No metadata of a body it does not carry (RFC 9110 §15.4.5); Set-Cookie is not such metadata.
    expect(answer.headers).toEqual([
      ['cache-control', 'no-cache'],
      ['x-other', '1'],
      ['set-cookie', 'session=abc; Path=/; SameSite=lax'],
      ['last-modified', LAST_MODIFIED],
      ['etag', ETAG],
    ])
    expect(answer.body.length).toBe(0)
    expect(background).toHaveBeenCalledOnce()
  })

  it('If-None-Match: other tags → 200', async () => {
    expect((await get({ 'if-none-match': '"a", W/"b"' })).status).toBe(200)
  })

  it('If-None-Match on HEAD → 304; on a POST that matches → 412', async () => {
    expect((await get({ 'if-none-match': ETAG }, 'HEAD')).status).toBe(304)
    expect((await get({ 'if-none-match': ETAG }, 'POST')).status).toBe(412)
  })

  it('If-None-Match wins over Range', async () => {
    expect((await get({ 'if-none-match': ETAG, range: 'bytes=0-4' })).status).toBe(304)
  })

  it.each([
    ['the Last-Modified date', LAST_MODIFIED, 304],
    ['a later date', 'Tue, 07 May 2024 00:00:00 GMT', 304],
    ['the same instant in asctime form', 'Mon May  6 07:08:09 2024', 304],
    ['an earlier date', 'Mon, 06 May 2024 07:08:08 GMT', 200],
    ['an invalid date', 'not a date', 200],
  ])('If-Modified-Since: %s → %i', async (_, value, status) => {
    expect((await get({ 'if-modified-since': value })).status).toBe(status)
  })

  it('If-Modified-Since is ignored when If-None-Match is present, and on other methods', async () => {
    expect((await get({ 'if-none-match': '"other"', 'if-modified-since': LAST_MODIFIED })).status).toBe(200)
    expect((await get({ 'if-modified-since': LAST_MODIFIED }, 'POST')).status).toBe(200)
  })

  it('uses an ETag given by the user', async () => {
    const response = new FileResponse(PATH, { headers: { etag: 'W/"v1"' } })
    expect((await fetchFrom(response, { 'if-none-match': '"v1"' })).status).toBe(304)
  })

  it('are ignored when the status given is not a success', async () => {
    expect((await fetchFrom(new FileResponse(PATH, 404), { 'if-none-match': ETAG })).status).toBe(404)
  })
})

describe('FileResponse: If-Match and If-Unmodified-Since', () => {
  it.each([
    ['If-Match: the ETag', { 'if-match': ETAG }, 200],
    ['If-Match: *', { 'if-match': '*' }, 200],
    ['If-Match: a list naming it', { 'if-match': `"x", ${ETAG}` }, 200],
    ['If-Match: another tag', { 'if-match': '"x"' }, 412],
    ['If-Match: the weak form (strong comparison)', { 'if-match': `W/${ETAG}` }, 412],
    ['If-Unmodified-Since: the Last-Modified date', { 'if-unmodified-since': LAST_MODIFIED }, 200],
    ['If-Unmodified-Since: an earlier date', { 'if-unmodified-since': 'Mon, 06 May 2024 07:08:08 GMT' }, 412],
    ['If-Unmodified-Since is ignored under If-Match', { 'if-match': ETAG, 'if-unmodified-since': 'Mon, 06 May 2024 07:08:08 GMT' }, 200],
  ])('%s → %i', async (_, headers, status) => {
    const answer = await get(headers)
    expect(answer.status).toBe(status)
    expect(answer.body.length).toBe(status === 200 ? 1000 : 0)
  })

  it('If-Match fails before If-None-Match or Range is looked at', async () => {
    expect((await get({ 'if-match': '"x"', 'if-none-match': ETAG, range: 'bytes=0-4' })).status).toBe(412)
  })

  it('a 412 keeps the app’s own headers (Set-Cookie included), not the file’s', async () => {
    const response = new FileResponse(PATH, { filename: 'data.bin', headers: { 'cache-control': 'no-cache' } })
    response.setCookie('session', 'abc')
    const answer = await fetchFrom(response, { 'if-match': '"x"' })
    expect(answer.status).toBe(412)
    expect(answer.headers).toEqual([
      ['cache-control', 'no-cache'],
      ['set-cookie', 'session=abc; Path=/; SameSite=lax'],
      ['content-length', '0'],
      ['content-type', 'text/plain; charset=utf-8'],
    ])
  })
})

describe('FileResponse: streaming', () => {
  const BIG = 'idb://files/big.bin'
  const big = Uint8Array.from({ length: 5 * 1024 * 1024 }, (_, i) => (i * 31) % 251)

  beforeAll(async () => {
    await putFile(BIG, big)
  })

  it('sends a 5 MiB file in many body messages, none over 64 KiB, the last one final', async () => {
    const answer = await fetchFrom(new FileResponse(BIG))
    expect(answer.messages.length).toBeGreaterThan(1)
    expect(Math.max(...answer.messages.map((m) => (m.body as Uint8Array).byteLength))).toBeLessThanOrEqual(64 * 1024)
    expect(answer.messages.slice(0, -1).every((m) => m.more_body === true)).toBe(true)
    expect(answer.messages.at(-1)).toMatchObject({ more_body: false })
    expect(Buffer.compare(answer.body, big)).toBe(0)
  })

  it('streams a range from a slice of the Blob', async () => {
    const answer = await fetchFrom(new FileResponse(BIG), { range: 'bytes=1000000-1199999' })
    expect(answer.messages.length).toBeGreaterThan(1)
    expect(Buffer.compare(answer.body, big.subarray(1_000_000, 1_200_000))).toBe(0)
  })

  it('stops reading when the client disconnects, and cancels the Blob reader', async () => {
    const cancel = vi.spyOn(ReadableStreamDefaultReader.prototype, 'cancel')
    const receive = scriptedReceive()
    const send = recordingSend()
    const sending = new FileResponse(BIG)(httpScope(), receive, async (message) => {
      await send(message)
      if (send.messages.length === 3) receive.disconnect()
    })
    await expect(sending).resolves.toBeUndefined()
    const bodies = send.messages.slice(1)
    expect(bodies.length).toBeLessThan(5)
    expect(bodies.every((m) => m.more_body === true)).toBe(true)
    expect(cancel).toHaveBeenCalled()
    cancel.mockRestore()
  })
})

describe('FileResponse over cache://', () => {
  const storage = new FakeCacheStorage()
  beforeAll(() => void vi.stubGlobal('caches', storage))
  afterAll(() => void vi.unstubAllGlobals())

  it('serves a file put with putFile, ranges included', async () => {
    await putFile('cache://files/docs/data.bin', DATA, { lastModified: MODIFIED })
    const answer = await fetchFrom(new FileResponse('cache://files/docs/data.bin'), { range: 'bytes=-100' })
    expect([answer.status, answer.header('content-range'), answer.header('last-modified')]).toEqual([206, 'bytes 900-999/1000', LAST_MODIFIED])
    expect(answer.body).toEqual(bytes(900, 999))
  })

  it('serves an entry cached by anyone, with its type and date', async () => {
    const headers = { 'content-type': 'text/css', 'last-modified': LAST_MODIFIED }
    await (await storage.open('assets')).put('http://localhost/site.css', new Response(new TextEncoder().encode('body{}'), { headers }))
    const answer = await fetchFrom(new FileResponse('cache://assets/site.css'))
    expect(answer.header('content-type')).toBe('text/css; charset=utf-8')
    const etag = answer.header('etag')!
    expect(etag).toMatch(/^"[\x21\x23-\x7e]+"$/)
    expect(new TextDecoder().decode(answer.body)).toBe('body{}')
    expect((await fetchFrom(new FileResponse('cache://assets/site.css'), { 'if-modified-since': LAST_MODIFIED })).status).toBe(304)
    expect((await fetchFrom(new FileResponse('cache://assets/site.css'), { 'if-none-match': etag })).status).toBe(304)
  })

  it('fails with the path for a missing entry', async () => {
    await expect(fetchFrom(new FileResponse('cache://assets/none.css'))).rejects.toThrow('File at path cache://assets/none.css does not exist.')
  })
})

describe('FileResponse through handle()', () => {
  const app = handle(new FileResponse(PATH, { filename: 'data.bin' }), { onError: (error) => expect.fail(String(error)) })

  it('answers a media element’s bytes=0- with a real 206', async () => {
    const response = await app(new Request('http://localhost/data.bin', { headers: { range: 'bytes=0-' } }))
    expect(response.status).toBe(206)
    expect(Object.fromEntries(response.headers)).toEqual({
      'accept-ranges': 'bytes',
      'content-disposition': 'attachment; filename="data.bin"',
      'content-length': '1000',
      'content-range': 'bytes 0-999/1000',
      'content-type': 'application/octet-stream',
      etag: ETAG,
      'last-modified': LAST_MODIFIED,
    })
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(DATA)
  })

  it('answers a seek with the rest of the file', async () => {
    const response = await app(new Request('http://localhost/data.bin', { headers: { range: 'bytes=600-' } }))
    expect([response.status, response.headers.get('content-range')]).toEqual([206, 'bytes 600-999/1000'])
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes(600, 999))
  })

  it('answers a revalidation with a bodyless 304 and HEAD with a bodyless 200', async () => {
    const revalidated = await app(new Request('http://localhost/data.bin', { headers: { 'if-none-match': ETAG } }))
    expect([revalidated.status, revalidated.body, revalidated.headers.get('etag')]).toEqual([304, null, ETAG])
    const head = await app(new Request('http://localhost/data.bin', { method: 'HEAD' }))
    expect([head.status, head.body, head.headers.get('content-length')]).toEqual([200, null, '1000'])
  })

  it('hands a cookie set on the response to the jar whether it answers 200, 304, 412 or 416', async () => {
    const response = new FileResponse(PATH)
    response.setCookie('seen', '1')
    const cookies: string[][] = []
    const jarred = handle(response, { onSetCookie: (values) => void cookies.push(values), onError: (error) => expect.fail(String(error)) })
    const statuses = []
    const requests: Record<string, string>[] = [{}, { 'if-none-match': ETAG }, { 'if-match': '"x"' }, { range: 'bytes=5000-' }]
    for (const headers of requests) {
      statuses.push((await jarred(new Request('http://localhost/data.bin', { headers }))).status)
    }
    expect(statuses).toEqual([200, 304, 412, 416])
    expect(cookies).toEqual(Array(4).fill(['seen=1; Path=/; SameSite=lax']))
  })

  it('answers a multi-range request with a multipart body of the declared length', async () => {
    const response = await app(new Request('http://localhost/data.bin', { headers: { range: 'bytes=0-9,100-109' } }))
    const body = new Uint8Array(await response.arrayBuffer())
    expect(response.status).toBe(206)
    const boundary = boundaryOf(response.headers.get('content-type'))
    const text = Buffer.from(body).toString('latin1')
    expect([text.startsWith(`--${boundary}\r\n`), text.endsWith(`\r\n--${boundary}--`)]).toEqual([true, true])
    expect(Number(response.headers.get('content-length'))).toBe(body.length)
  })
})

describe('FileResponse over a store of your own (the store option)', () => {
  const asked: string[] = []
  const store = {
    async getFile(path: string) {
      asked.push(path)
      return path === 'in-memory.bin' ? { blob: new Blob([DATA]), size: DATA.length, lastModified: MODIFIED, mediaType: 'application/x-test' } : undefined
    },
  }

  it('reads the path from that store, with ranges and validators as from any other', async () => {
    const whole = await fetchFrom(new FileResponse('in-memory.bin', { store }))
    expect([whole.status, whole.header('content-type'), whole.header('etag')]).toEqual([200, 'application/x-test', ETAG])
    expect(whole.body).toEqual(DATA)
    const part = await fetchFrom(new FileResponse('in-memory.bin', { store }), { range: 'bytes=10-19' })
    expect([part.status, part.body]).toEqual([206, bytes(10, 19)])
    expect(asked).toEqual(['in-memory.bin', 'in-memory.bin'])
  })

  it('a file it does not have is missing, as in the built-in stores', async () => {
    await expect(fetchFrom(new FileResponse('nothing.bin', { store }))).rejects.toThrow('File at path nothing.bin does not exist.')
  })
})
