import { describe, expect, test } from 'vitest'
import { HTMLResponse, PlainTextResponse, Response, StreamingResponse, UJSONResponse } from '../../src/responses/index.js'
import { call, httpScope, recordingSend, scriptedReceive } from '../helpers/asgi.js'

// Starlette encodes text with `str.encode("utf-8")`, which raises on a lone surrogate; a
// TextEncoder would write U+FFFD instead and silently change the user's data.
const LONG = 'x'.repeat(40) // past the short-ASCII fast path, so that both paths are covered
const lone = ['\ud800', 'a\udc00b', `${LONG}\ud83d`, `é${LONG}\udfff${LONG}`, `\ude00\ud83d`]

describe('a lone surrogate in text is refused, not written as U+FFFD', () => {
  test.each([
    ['Response', Response],
    ['HTMLResponse', HTMLResponse],
    ['PlainTextResponse', PlainTextResponse],
  ])('%s refuses it at construction, naming the problem', (_, cls) => {
    for (const text of lone) {
      expect(() => new cls(text)).toThrow(TypeError)
      expect(() => new cls(text)).toThrow(/lone surrogate .*U\+D[89A-F][0-9A-F]{2}.* UTF-8/)
    }
  })

  test('the error says where the surrogate is', () => {
    expect(() => new Response('ab\udc01cd')).toThrow(/U\+DC01 at index 2/)
  })

  test('a whole surrogate pair is one character, encoded as such, short or long', () => {
    expect(new TextDecoder().decode(new PlainTextResponse('\ud83d\ude00').body)).toBe('😀')
    expect(new TextDecoder().decode(new PlainTextResponse(`${LONG}\ud83d\ude00`).body)).toBe(`${LONG}😀`)
  })

  test('StreamingResponse: a string chunk with one fails the stream after what came before', async () => {
    async function* chunks() {
      yield 'fine '
      yield 'broken \ud800'
      yield 'never sent'
    }
    const send = recordingSend()
    await expect(new StreamingResponse(chunks(), { mediaType: 'text/plain' })(httpScope(), scriptedReceive(), send)).rejects.toThrow(/lone surrogate/)
    expect(send.messages.map((m) => m.type)).toEqual(['http.response.start', 'http.response.body'])
    expect(new TextDecoder().decode(send.messages[1].body as Uint8Array)).toBe('fine ')
  })

  test('StreamingResponse: well-formed chunks still stream', async () => {
    const messages = await call(new StreamingResponse(['é', '😀'.repeat(20)]))
    expect(new TextDecoder().decode(Buffer.concat(messages.slice(1).map((m) => m.body as Uint8Array)))).toBe('é' + '😀'.repeat(20))
  })

  test('UJSONResponse refuses one in a value, a key or a Map, as ujson.dumps(...).encode("utf-8") does', () => {
    for (const content of ['\ud800', { note: 'a\udc00b/' }, { ['k\ud800']: 1 }, [['\udfff']], new Map([[1, 'x\ud83d']])]) {
      expect(() => new UJSONResponse(content)).toThrow(TypeError)
      expect(() => new UJSONResponse(content)).toThrow(/lone surrogate/)
    }
  })
})
