import { describe, expect, test } from 'vitest'
import { CONVERTORS } from '../../src/routing/convertors.js'
import { compilePath, matchPath, replaceParams, routePath } from '../../src/routing/paths.js'
import { unquotePath } from '../../src/urls.js'

const match = (path: string, url: string) => matchPath(compilePath(path), url)
const fill = (path: string, params: Record<string, unknown>) => replaceParams(compilePath(path), params)[0]

describe('convertors', () => {
  test('{name} (str) matches one non-empty segment, as text', () => {
    expect(match('/users/{name}', '/users/ada')).toEqual({ name: 'ada' })
    expect(match('/users/{name}', '/users/')).toBeUndefined()
    expect(match('/users/{name}', '/users/a/b')).toBeUndefined()
    expect(fill('/users/{name}', { name: 'ada' })).toBe('/users/ada')
    expect(() => fill('/users/{name}', { name: 'a/b' })).toThrow(TypeError)
    expect(() => fill('/users/{name}', { name: '' })).toThrow(TypeError)
  })

  test('{id:int} matches digits and gives a number', () => {
    expect(match('/items/{id:int}', '/items/42')).toEqual({ id: 42 })
    expect(match('/items/{id:int}', '/items/007')).toEqual({ id: 7 })
    for (const bad of ['/items/-1', '/items/1.5', '/items/x', '/items/']) expect(match('/items/{id:int}', bad)).toBeUndefined()
    expect(fill('/items/{id:int}', { id: 42 })).toBe('/items/42')
    expect(fill('/items/{id:int}', { id: '0042' })).toBe('/items/42')
    expect(fill('/items/{id:int}', { id: 10n ** 22n })).toBe('/items/10000000000000000000000')
    expect(fill('/items/{id:int}', { id: 1e21 })).toBe('/items/1000000000000000000000')
    for (const bad of [-1, 1.5, 'x', NaN]) expect(() => fill('/items/{id:int}', { id: bad })).toThrow(TypeError)
  })

  test('{x:float} matches decimals and gives a number', () => {
    expect(match('/f/{x:float}', '/f/3.25')).toEqual({ x: 3.25 })
    expect(match('/f/{x:float}', '/f/3')).toEqual({ x: 3 })
    for (const bad of ['/f/-1.0', '/f/1.', '/f/.5', '/f/1e5', '/f/nan']) expect(match('/f/{x:float}', bad)).toBeUndefined()
    expect(fill('/f/{x:float}', { x: 3.25 })).toBe('/f/3.25')
    expect(fill('/f/{x:float}', { x: 2 })).toBe('/f/2')
    expect(fill('/f/{x:float}', { x: 0.1 })).toBe('/f/0.1')
    expect(fill('/f/{x:float}', { x: 1e-7 })).toBe('/f/0.0000001')
    expect(fill('/f/{x:float}', { x: '1.50' })).toBe('/f/1.5')
    for (const bad of [-1, Infinity, NaN, 'abc', '']) expect(() => fill('/f/{x:float}', { x: bad })).toThrow(TypeError)
    // Every formatted float is one the route matches again.
    for (const x of [0.1, 1e-7, 123.456, 2 ** 60]) expect(match('/f/{x:float}', fill('/f/{x:float}', { x }))).toEqual({ x })
  })

  test('{rest:path} matches the rest, slashes and all, even empty', () => {
    expect(match('/files/{rest:path}', '/files/a/b/c.txt')).toEqual({ rest: 'a/b/c.txt' })
    expect(match('/files/{rest:path}', '/files/')).toEqual({ rest: '' })
    expect(match('/files/{rest:path}', '/files/line\nbreak')).toEqual({ rest: 'line\nbreak' })
    expect(fill('/files/{rest:path}', { rest: 'a/b' })).toBe('/files/a/b')
  })

  test('{u:uuid} matches a UUID in either case and gives it lower-cased', () => {
    const upper = '4F0D2A0E-8C4B-4E0B-9C36-0C2B0F5A9E11'
    expect(match('/u/{u:uuid}', `/u/${upper}`)).toEqual({ u: upper.toLowerCase() })
    expect(match('/u/{u:uuid}', '/u/4f0d2a0e8c4b4e0b9c360c2b0f5a9e11')).toBeUndefined()
    expect(match('/u/{u:uuid}', `/u/${upper}x`)).toBeUndefined()
    expect(fill('/u/{u:uuid}', { u: upper })).toBe(`/u/${upper.toLowerCase()}`)
    expect(() => fill('/u/{u:uuid}', { u: 'nope' })).toThrow(TypeError)
  })

  test('the convertor table is exactly Starlette\'s', () => {
    expect(Object.keys(CONVERTORS).sort()).toEqual(['float', 'int', 'path', 'str', 'uuid'])
  })
})

describe('compilePath', () => {
  test('builds the template and escapes literal regex characters', () => {
    const compiled = compilePath('/a.b/{id:int}/(x)+')
    expect(compiled.format).toBe('/a.b/{id}/(x)+')
    expect(matchPath(compiled, '/a.b/1/(x)+')).toEqual({ id: 1 })
    expect(matchPath(compiled, '/aXb/1/(x)+')).toBeUndefined()
    expect(matchPath(compiled, '/a.b/1/xx')).toBeUndefined()
  })

  test('several parameters in one segment', () => {
    expect(match('/{a:int}-{b}', '/12-x')).toEqual({ a: 12, b: 'x' })
  })

  test('refuses unknown convertors and duplicated names', () => {
    expect(() => compilePath('/{x:nope}')).toThrow("Unknown path convertor 'nope'")
    expect(() => compilePath('/{x}/{x:int}')).toThrow('Duplicated param name x at path /{x}/{x:int}')
    expect(() => compilePath('/{x}/{y}/{x}/{y}')).toThrow('Duplicated param names x, y')
  })

  test('a value holding $& is inserted literally', () => {
    expect(fill('/q/{v}', { v: '$&$1' })).toBe('/q/$&$1')
  })
})

describe('routePath', () => {
  test('cuts the root path off the full path', () => {
    expect(routePath({ path: '/api/users', root_path: '/api' })).toBe('/users')
    expect(routePath({ path: '/api', root_path: '/api' })).toBe('')
    expect(routePath({ path: '/apiary', root_path: '/api' })).toBe('/apiary')
    expect(routePath({ path: '/other', root_path: '/api' })).toBe('/other')
    expect(routePath({ path: '/users', root_path: '' })).toBe('/users')
  })
})

describe('unquotePath', () => {
  test('decodes UTF-8 escapes and leaves invalid ones', () => {
    expect(unquotePath('/caf%C3%A9/a%20b')).toBe('/café/a b')
    expect(unquotePath('/100%/%zz/%2F')).toBe('/100%/%zz//')
    expect(unquotePath('/%FF')).toBe('/\uFFFD')
  })
})
