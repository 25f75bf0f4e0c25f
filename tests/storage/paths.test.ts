import { afterEach, describe, expect, it } from 'vitest'
import { formatPath, parsePath, parsePrefix, setDefaultStore } from '../../src/storage/paths.js'

afterEach(() => setDefaultStore('idb://files'))

describe('parsePath', () => {
  it('splits idb:// paths into store and key', () => {
    expect(parsePath('idb://photos/2024/cat.jpg')).toEqual({ scheme: 'idb', store: 'photos', key: '2024/cat.jpg' })
  })

  it('splits cache:// paths into cache name and path', () => {
    expect(parsePath('cache://assets/css/site.css')).toEqual({ scheme: 'cache', store: 'assets', key: 'css/site.css' })
  })

  it('reads the scheme case-insensitively', () => {
    expect(parsePath('IDB://files/a').scheme).toBe('idb')
  })

  it('puts paths without a scheme in the default store, idb://files', () => {
    expect(parsePath('docs/a.txt')).toEqual({ scheme: 'idb', store: 'files', key: 'docs/a.txt' })
    expect(parsePath('/docs/a.txt')).toEqual({ scheme: 'idb', store: 'files', key: 'docs/a.txt' })
  })

  it('uses the configured default store', () => {
    setDefaultStore('cache://static/')
    expect(parsePath('a.txt')).toEqual({ scheme: 'cache', store: 'static', key: 'a.txt' })
    setDefaultStore('cache://workbox-precache-v2-https%3A%2F%2Fapp.example%2F')
    expect(parsePath('a.txt').store).toBe('workbox-precache-v2-https://app.example/')
  })

  it('resolves . and .. segments that stay inside the store', () => {
    expect(parsePath('idb://files/a/./b/../c').key).toBe('a/c')
    expect(parsePath('idb://files/a/%2E%2E/c').key).toBe('c')
  })

  it('percent-decodes the store name, so that a cache named after a URL can be addressed', () => {
    const location = parsePath('cache://workbox-precache-v2-https%3A%2F%2Fapp.example%2F/index.html')
    expect(location.store).toBe('workbox-precache-v2-https://app.example/')
    expect(formatPath(location)).toBe('cache://workbox-precache-v2-https:%2F%2Fapp.example%2F/index.html')
    expect(parsePath(formatPath(location))).toEqual(location)
  })

  it('keeps colons inside keys', () => {
    expect(parsePath('notes:today.txt').key).toBe('notes:today.txt')
  })
})

describe('invalid paths', () => {
  it.each([
    ['http://example.com/a', 'Invalid file path "http://example.com/a": unknown scheme "http://" (use idb:// or cache://)'],
    ['idb:///a.txt', 'Invalid file path "idb:///a.txt": empty store name'],
    ['idb://files', 'Invalid file path "idb://files": empty key'],
    ['idb://files/', 'Invalid file path "idb://files/": empty key'],
    ['', 'Invalid file path "": empty key'],
    ['cache://files/a/..', 'Invalid file path "cache://files/a/..": empty key'],
    ['idb://files/../secret', 'Invalid file path "idb://files/../secret": ".." escapes the store'],
    ['cache://files/a/../../b', 'Invalid file path "cache://files/a/../../b": ".." escapes the store'],
    ['../b', 'Invalid file path "../b": ".." escapes the store'],
    ['idb://files/%2e%2e/b', 'Invalid file path "idb://files/%2e%2e/b": ".." escapes the store'],
    ['idb://%zz/a', 'Invalid file path "idb://%zz/a": malformed percent-encoding in the store name'],
    ['idb://files/a\0b', 'Invalid file path "idb://files/a\\u0000b": it contains a NUL character'],
  ])('refuses %j', (path, message) => {
    expect(() => parsePath(path)).toThrow(new TypeError(message))
  })

  it('refuses a default store that names a key', () => {
    expect(() => setDefaultStore('cache://files/a')).toThrow('Invalid file path "cache://files/a": a default store names no key')
  })

  it('refuses a default store with an unknown scheme', () => {
    expect(() => setDefaultStore('s3://bucket')).toThrow('unknown scheme "s3://"')
  })
})

describe('parsePrefix', () => {
  it('accepts a bare store', () => {
    expect(parsePrefix('cache://files')).toEqual({ scheme: 'cache', store: 'files', key: '' })
  })

  it('keeps a trailing slash, so "docs/" does not match "docs2/"', () => {
    expect(parsePrefix('idb://files/docs/').key).toBe('docs/')
  })
})

describe('formatPath', () => {
  it('spells a location as scheme://store/key', () => {
    expect(formatPath({ scheme: 'cache', store: 'c', key: 'a/b' })).toBe('cache://c/a/b')
    expect(formatPath({ scheme: 'idb', store: '100%/x', key: 'k' })).toBe('idb://100%25%2Fx/k')
  })
})
