import { describe, expect, test } from 'vitest'
import { JSONResponse, UJSONResponse } from '../../src/responses/index.js'

const text = (response: { body: Uint8Array }) => new TextDecoder().decode(response.body)

describe('JSONResponse refuses what Python cannot dump, at construction', () => {
  test.each([
    ['undefined at top level', undefined, TypeError, /not JSON serializable/],
    ['a BigInt', { n: 10n }, TypeError, /bigint is not JSON serializable/],
    ['a function', [() => 1], TypeError, /function is not JSON serializable/],
    ['a symbol', { s: Symbol('x') }, TypeError, /symbol is not JSON serializable/],
    ['a Set', { tags: new Set(['a']) }, TypeError, /Set is not JSON serializable/],
    ['a typed array', new Uint8Array(2), TypeError, /Uint8Array is not JSON serializable/],
    ['NaN', { x: NaN }, RangeError, /Out of range float values are not JSON compliant: NaN/],
    ['-Infinity in a Map', new Map([['x', -Infinity]]), RangeError, /not JSON compliant: -Infinity/],
  ])('%s', (_, content, kind, message) => {
    expect(() => new JSONResponse(content)).toThrow(kind)
    expect(() => new JSONResponse(content)).toThrow(message)
  })

  test('cycles, through objects and arrays', () => {
    const object: Record<string, unknown> = { a: 1 }
    object.self = object
    const array: unknown[] = [1]
    array.push({ back: array })
    expect(() => new JSONResponse(object)).toThrow(/Circular reference detected/)
    expect(() => new JSONResponse(array)).toThrow(/Circular reference detected/)
  })

  test('a value seen twice without a cycle is fine', () => {
    const shared = { id: 1 }
    expect(text(new JSONResponse([shared, { again: shared }]))).toBe('[{"id":1},{"again":{"id":1}}]')
  })

  test('lone surrogates, which UTF-8 cannot encode, in values, keys and Maps', () => {
    for (const content of ['\ud800', { note: 'a\udc00b' }, { ['k\ud800']: 1 }, [['\udfff']], new Map([[1, 'x\ud83d']])]) {
      expect(() => new JSONResponse(content)).toThrow(TypeError)
      expect(() => new JSONResponse(content)).toThrow(/lone surrogate/)
    }
    // A whole pair is one character, written as is.
    expect(text(new JSONResponse({ smile: '\ud83d\ude00' }))).toBe('{"smile":"😀"}')
  })
})

describe('the slow path writes what the fast one would', () => {
  test('nesting deeper than the fast walk goes', () => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < 100; i++) deep = i % 2 ? [deep] : { d: deep }
    expect(text(new JSONResponse(deep))).toBe(JSON.stringify(deep))
  })

  test('toJSON is honoured (a Date becomes its ISO string)', () => {
    const when = new Date(Date.UTC(2026, 10, 30, 12, 0, 0))
    expect(text(new JSONResponse({ when }))).toBe('{"when":"2026-11-30T12:00:00.000Z"}')
  })

  test('undefined members are left out, as Python never sees them; in arrays they are null', () => {
    expect(text(new JSONResponse({ a: undefined, b: [undefined, 1] }))).toBe('{"b":[null,1]}')
  })
})

describe('UJSONResponse', () => {
  test('writes NaN and the infinities bare, and escapes every /', () => {
    expect(text(new UJSONResponse([NaN, Infinity, -Infinity, '</script>']))).toBe('[NaN,Infinity,-Infinity,"<\\/script>"]')
  })
})
