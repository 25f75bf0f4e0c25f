import { describe, expect, test } from 'vitest'
import { MutableHeaders } from '../src/datastructures.js'
import { decodeLatin1, encodeLatin1 } from '../src/bytes.js'

const bytes = (s: string) => encodeLatin1(s)

describe('MutableHeaders', () => {
  test('lower-cases names, keeps order and duplicates, looks up case-insensitively', () => {
    const h = new MutableHeaders([['X-A', '1'], ['x-b', '2'], ['X-a', '3']])
    expect(h.entries()).toEqual([['x-a', '1'], ['x-b', '2'], ['x-a', '3']])
    expect(h.get('X-A')).toBe('1')
    expect(h.getAll('x-A')).toEqual(['1', '3'])
    expect(h.has('X-B')).toBe(true)
    expect(h.has('x-c')).toBe(false)
    expect(h.get('x-c')).toBeNull()
    expect(h.keys()).toEqual(['x-a', 'x-b', 'x-a'])
    expect(h.values()).toEqual(['1', '2', '3'])
    expect([...h]).toEqual(h.entries())
    expect(h.size).toBe(3)
  })

  test('accepts a plain object, pairs, or a Fetch Headers', () => {
    expect(new MutableHeaders({ 'Content-Type': 'text/plain' }).entries()).toEqual([['content-type', 'text/plain']])
    expect(new MutableHeaders(new Headers({ 'X-Y': 'z' })).entries()).toEqual([['x-y', 'z']])
  })

  test('set replaces the first occurrence in place and drops later ones (Starlette)', () => {
    const h = new MutableHeaders([['a', '1'], ['b', '2'], ['a', '3']])
    h.set('A', 'x')
    expect(h.raw).toEqual([[bytes('a'), bytes('x')], [bytes('b'), bytes('2')]])
    h.set('c', '4')
    expect(h.entries()).toEqual([['a', 'x'], ['b', '2'], ['c', '4']])
  })

  test('append keeps existing values; delete removes all and tolerates absence', () => {
    const h = new MutableHeaders()
    h.append('set-cookie', 'a=1')
    h.append('Set-Cookie', 'b=2')
    expect(h.getAll('set-cookie')).toEqual(['a=1', 'b=2'])
    h.delete('SET-COOKIE')
    h.delete('missing')
    expect(h.size).toBe(0)
  })

  test('setDefault returns the existing first value or appends', () => {
    const h = new MutableHeaders({ 'x-a': '1' })
    expect(h.setDefault('X-A', '2')).toBe('1')
    expect(h.setDefault('x-b', '3')).toBe('3')
    expect(h.entries()).toEqual([['x-a', '1'], ['x-b', '3']])
  })

  test('addVaryHeader keeps the first vary value and drops the others, as Starlette does', () => {
    const h = new MutableHeaders([['vary', 'Origin'], ['vary', 'Cookie']])
    h.addVaryHeader('Accept')
    expect(h.entries()).toEqual([['vary', 'Origin, Accept']])
    const empty = new MutableHeaders()
    empty.addVaryHeader('Accept')
    expect(empty.get('vary')).toBe('Accept')
  })

  test('values are latin-1 both ways', () => {
    const h = new MutableHeaders({ 'x-a': 'é' })
    expect(h.raw[0][1]).toEqual(new Uint8Array([0xe9]))
    expect(h.get('x-a')).toBe('é')
  })

  test.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['CRLF', 'a\r\nSet-Cookie: x=1'],
    ['NUL', 'a\0b'],
  ])('a value with %s throws a TypeError naming the header', (_, value) => {
    expect(() => new MutableHeaders({ 'X-Evil': value })).toThrow(/"X-Evil".*header injection/)
    expect(() => new MutableHeaders().set('X-Evil', value)).toThrow(TypeError)
    expect(() => new MutableHeaders().append('X-Evil', value)).toThrow(TypeError)
  })

  test('a value outside latin-1 throws a TypeError naming the header and the character', () => {
    expect(() => new MutableHeaders({ 'X-Love': 'I ♥ U' })).toThrow(/"X-Love".*U\+2665.*latin-1/)
  })

  test('an invalid header name throws', () => {
    expect(() => new MutableHeaders({ 'Bad Name': 'x' })).toThrow(/Invalid header name "Bad Name"/)
    expect(() => new MutableHeaders([['', 'x']])).toThrow(TypeError)
  })

  test('raw is the live list: edits through it are seen, and fromScope uses the scope list as is', () => {
    const list: [Uint8Array, Uint8Array][] = [[bytes('host'), bytes('example.com')]]
    const h = MutableHeaders.fromScope({ headers: list })
    h.append('x-a', '1')
    expect(list).toHaveLength(2)
    expect(h.raw).toBe(list)
  })

  test('copy is independent', () => {
    const h = new MutableHeaders({ a: '1' })
    const c = h.copy()
    c.set('a', '2')
    expect(h.get('a')).toBe('1')
  })
})

describe('latin-1', () => {
  test('round-trips every byte value, also for large inputs', () => {
    const all = new Uint8Array(256 * 100).map((_, i) => i % 256)
    expect(encodeLatin1(decodeLatin1(all))).toEqual(all)
  })
})
