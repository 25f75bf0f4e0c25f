import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureFiles, deleteFile, getFile, listFiles, putFile } from '../../src/storage/index.js'
import { FakeCacheStorage } from './fake-caches.js'

let storage: FakeCacheStorage

beforeEach(() => {
  storage = new FakeCacheStorage()
  vi.stubGlobal('caches', storage)
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  configureFiles({ default: 'idb://files' })
})

const text = async (path: string) => (await getFile(path))?.blob.text()
const put = async (cacheName: string, url: string, body: string, headers: Record<string, string> = {}) =>
  // Bytes, not a string, so that the Response gets no Content-Type of its own.
  (await storage.open(cacheName)).put(url, new Response(new TextEncoder().encode(body), { headers }))

describe('cache:// round trips', () => {
  it.each([
    ['a string', 'héllo'],
    ['an ArrayBuffer', new TextEncoder().encode('héllo').buffer],
    ['a Uint8Array', new TextEncoder().encode('héllo')],
    ['a Blob', new Blob(['héllo'])],
    ['a Response', new Response('héllo')],
  ])('stores %s and reads the same bytes back', async (_, data) => {
    await putFile('cache://files/a.bin', data)
    const file = await getFile('cache://files/a.bin')
    expect(await file!.blob.text()).toBe('héllo')
    expect(file!.size).toBe(6)
  })

  it('stores the entry under /PATH on the origin, with the metadata as headers', async () => {
    await putFile('cache://files/docs/a.txt', 'hello', { lastModified: Date.UTC(2024, 0, 2, 3, 4, 5) })
    const [request] = await (await storage.open('files')).keys()
    expect(request.url).toBe('http://localhost/docs/a.txt')
    const response = await (await storage.open('files')).match(request)
    expect(Object.fromEntries(response!.headers)).toEqual({
      'content-type': 'text/plain',
      'content-length': '5',
      'last-modified': 'Tue, 02 Jan 2024 03:04:05 GMT',
    })
  })

  it('resolves /PATH against globalThis.location when there is one', async () => {
    vi.stubGlobal('location', { href: 'https://app.example/scope/sw.js' })
    await putFile('cache://files/a.txt', 'a')
    const [request] = await (await storage.open('files')).keys()
    expect(request.url).toBe('https://app.example/a.txt')
  })

  it('answers undefined for a missing file', async () => {
    expect(await getFile('cache://files/missing.txt')).toBeUndefined()
  })

  it('keeps lastModified to whole seconds, as Last-Modified does', async () => {
    await putFile('cache://files/t.txt', 'x', { lastModified: new Date(1_700_000_000_999), mediaType: 'text/x-t' })
    expect(await getFile('cache://files/t.txt')).toMatchObject({ size: 1, lastModified: 1_700_000_000_000, mediaType: 'text/x-t' })
  })

  it('uses the default store when configured to cache://', async () => {
    configureFiles({ default: 'cache://static' })
    await putFile('/img/logo.svg', '<svg/>')
    expect(await text('cache://static/img/logo.svg')).toBe('<svg/>')
    expect((await getFile('img/logo.svg'))!.mediaType).toBe('image/svg+xml')
  })
})

describe('cache:// entries put by others', () => {
  it('reads size from the body, Last-Modified, and Content-Type', async () => {
    await put('other', 'http://localhost/a.css', 'body{}', {
      'content-type': 'text/css; charset=utf-8',
      'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT',
      date: 'Thu, 22 Oct 2015 07:28:00 GMT',
    })
    expect(await getFile('cache://other/a.css')).toMatchObject({
      size: 6,
      lastModified: Date.UTC(2015, 9, 21, 7, 28),
      mediaType: 'text/css; charset=utf-8',
    })
  })

  it('falls back to Date for lastModified, and guesses the media type from the path', async () => {
    await put('other', 'http://localhost/b.js', 'x', { date: 'Thu, 22 Oct 2015 07:28:00 GMT' })
    const file = await getFile('cache://other/b.js')
    expect(file).toMatchObject({ lastModified: Date.UTC(2015, 9, 22, 7, 28), mediaType: 'text/javascript' })
  })

  it('falls back to now for lastModified, and application/octet-stream for an unknown type', async () => {
    const cache = await storage.open('other')
    await cache.put('http://localhost/blob', new Response(new Uint8Array([1, 2, 3])))
    const before = Date.now()
    const file = (await getFile('cache://other/blob'))!
    expect(file.mediaType).toBe('application/octet-stream')
    expect(file.size).toBe(3)
    expect(file.lastModified).toBeGreaterThanOrEqual(before)
  })
})

describe('Workbox precache entries', () => {
  it('are found under url?__WB_REVISION__=..., in a cache named with %2F for its slashes', async () => {
    await put('workbox-precache-v2-http://localhost/', 'http://localhost/index.html?__WB_REVISION__=abc123', '<h1>', { 'content-type': 'text/html' })
    const precache = `cache://${encodeURIComponent('workbox-precache-v2-http://localhost/')}`
    expect(await text(`${precache}/index.html`)).toBe('<h1>')
    expect(await listFiles(precache)).toEqual(['cache://workbox-precache-v2-http:%2F%2Flocalhost%2F/index.html'])
  })

  it('lose to an entry at the exact URL', async () => {
    await put('mixed', 'http://localhost/app.js?__WB_REVISION__=1', 'precached')
    await put('mixed', 'http://localhost/app.js', 'exact')
    expect(await text('cache://mixed/app.js')).toBe('exact')
  })

  it('match only when the revision is the sole difference in the query', async () => {
    await put('wb', 'http://localhost/data.json?v=2&__WB_REVISION__=1', 'v2')
    await put('wb', 'http://localhost/other.json?x=1', 'not precached')
    expect(await text('cache://wb/data.json?v=2')).toBe('v2')
    expect(await getFile('cache://wb/data.json')).toBeUndefined()
    expect(await getFile('cache://wb/other.json')).toBeUndefined()
  })

  it('are deleted and listed under their plain path', async () => {
    await put('wb', 'http://localhost/a.html?__WB_REVISION__=1', 'a')
    await put('wb', 'http://localhost/a.html', 'a')
    expect(await listFiles('cache://wb/')).toEqual(['cache://wb/a.html'])
    expect(await deleteFile('cache://wb/a.html')).toBe(true)
    expect(await getFile('cache://wb/a.html')).toBeUndefined()
    expect(await (await storage.open('wb')).keys()).toEqual([])
  })
})

describe('deleteFile and listFiles on cache://', () => {
  it('deleteFile resolves true when it deleted a file, false when there was none', async () => {
    await putFile('cache://files/x.txt', 'x')
    expect(await deleteFile('cache://files/x.txt')).toBe(true)
    expect(await getFile('cache://files/x.txt')).toBeUndefined()
    expect(await deleteFile('cache://files/x.txt')).toBe(false)
  })

  it('listFiles answers full sorted paths under the prefix, decoded, on this origin only', async () => {
    for (const key of ['docs/b.txt', 'docs/a b.txt', 'docs2/c.txt', 'img/d.png']) await putFile(`cache://list/${key}`, key)
    await put('list', 'https://cdn.example/docs/elsewhere.txt', 'x')
    expect(await listFiles('cache://list/docs/')).toEqual(['cache://list/docs/a b.txt', 'cache://list/docs/b.txt'])
    expect(await listFiles('cache://list')).toEqual([
      'cache://list/docs/a b.txt',
      'cache://list/docs/b.txt',
      'cache://list/docs2/c.txt',
      'cache://list/img/d.png',
    ])
  })

  it('finds an entry with a query under both spellings of it', async () => {
    await putFile('cache://files/search?q=a%20b', 'result')
    expect(await listFiles('cache://files/search')).toEqual(['cache://files/search?q=a b'])
    expect(await text('cache://files/search?q=a b')).toBe('result')
    expect(await deleteFile('cache://files/search?q=a%20b')).toBe(true)
  })

  it('listed paths read back', async () => {
    await putFile('cache://list/café.txt', 'c')
    const [path] = await listFiles('cache://list/caf')
    expect(path).toBe('cache://list/café.txt')
    expect(await text(path)).toBe('c')
  })
})

describe('cache:// failures', () => {
  it('a failed write leaves the previous entry and names the path and the cause', async () => {
    await putFile('cache://files/keep.txt', 'previous')
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    vi.spyOn(await storage.open('files'), 'put').mockRejectedValueOnce(quota)
    const error: Error = await putFile('cache://files/keep.txt', 'next').catch((e) => e)
    expect(error.message).toBe('Could not write "cache://files/keep.txt": QuotaExceededError: The quota has been exceeded.')
    expect(error.cause).toBe(quota)
    expect(await text('cache://files/keep.txt')).toBe('previous')
  })

  it('says so when there is no Cache Storage', async () => {
    vi.stubGlobal('caches', undefined)
    await expect(getFile('cache://files/a.txt')).rejects.toThrow(
      'Could not read "cache://files/a.txt": Error: Cache Storage is not available here (globalThis.caches is undefined)',
    )
  })
})

describe('cache:// keys stay on the worker origin, in their cache', () => {
  // What an attacker might append to `cache://files/` (from a URL path, an upload name, ...).
  const hostile = [
    '/evil.test/x',
    '//evil.test',
    '///evil.test/x',
    '\\evil.test\\x',
    '\\\\evil.test/x',
    '/\\evil.test/x',
    '%5C%5Cevil.test/x',
    '%2F%2Fevil.test/x',
    'http://evil.test/x',
    'https:evil.test/x',
    '@evil.test/x',
    '\t//evil.test/x',
    '\n/evil.test/x',
    ' //evil.test/x',
    '#//evil.test/x',
    '?//evil.test/x',
    '../x',
    'a/../../x',
    '%2e%2e/x',
    '.%2E/x',
    'a/%2E%2E/%2E%2E/x',
    'a\\..\\..\\x',
    'a\\%2e%2e\\%2e%2e\\x',
    'x\0y',
  ]

  it.each(hostile)('%j is refused, or stays under http://localhost/ and reads back as itself', async (key) => {
    vi.stubGlobal('location', { href: 'http://localhost/sw.js' })
    await put('files', 'http://evil.test/x', 'from another origin')
    await put('files', 'http://evil.test/', 'from another origin')
    const path = `cache://files/${key}`
    const written = await putFile(path, 'ours').then(
      () => true,
      (error: Error) => {
        expect(error.message).toMatch(/^Could not write ".*": TypeError: Invalid file path |^Invalid file path /)
        return false
      },
    )
    const cache = await storage.open('files')
    const ours = (await cache.keys()).map((request) => request.url).filter((url) => !url.startsWith('http://evil.test/'))
    if (!written) {
      expect(ours).toEqual([])
      await expect(getFile(path)).rejects.toThrow(TypeError)
      return
    }
    expect(ours).toHaveLength(1)
    expect(ours[0]).toMatch(/^http:\/\/localhost\/[^]*$/)
    expect(new URL(ours[0]).origin).toBe('http://localhost')
    // Untouched, and never served in place of ours.
    expect(await (await cache.match('http://evil.test/x'))!.text()).toBe('from another origin')
    expect(await text(path)).toBe('ours')
    // Nor resolved to some other key of the store.
    expect(await getFile('cache://files/x')).toBeUndefined()
    const [listed] = await listFiles('cache://files')
    expect(await text(listed)).toBe('ours')
  })

  it.each(hostile)('reading %j never serves another origin entry', async (key) => {
    await put('files', 'http://evil.test/x', 'from another origin')
    await put('files', 'http://evil.test/', 'from another origin')
    const file = await getFile(`cache://files/${key}`).catch((error: Error) => error)
    if (file instanceof Error) expect(file).toBeInstanceOf(TypeError)
    else expect(file).toBeUndefined()
  })

  it('keeps a fragment, a backslash and trailing spaces in the key instead of dropping them', async () => {
    await putFile('cache://files/a.txt', 'plain')
    for (const key of ['a.txt#x', 'a.txt ', 'a.txt\t', 'a\\b.txt']) await putFile(`cache://files/${key}`, key)
    expect(await text('cache://files/a.txt')).toBe('plain')
    expect(await text('cache://files/a.txt#x')).toBe('a.txt#x')
    expect(await text('cache://files/a\\b.txt')).toBe('a\\b.txt')
    expect(await text('cache://files/a/b.txt')).toBeUndefined()
  })
})

describe('cache:// overwrites that die halfway', () => {
  /** Makes the copy to the entry's own URL die after deleting the old entry, as a killed Chromium does. */
  async function dieDuringCopy(url: string) {
    const cache = await storage.open('files')
    const put = cache.put.bind(cache)
    vi.spyOn(cache, 'put').mockImplementation(async (info, response) => {
      if (String(info instanceof Request ? info.url : info) !== url) return put(info, response)
      await cache.delete(url)
      throw new Error('browser killed')
    })
  }

  it('a write that dies while writing the new bytes leaves the old file', async () => {
    await putFile('cache://files/a.bin', 'version 1')
    vi.spyOn(await storage.open('files'), 'put').mockRejectedValueOnce(new Error('browser killed'))
    await expect(putFile('cache://files/a.bin', 'version 2')).rejects.toThrow('browser killed')
    expect(await text('cache://files/a.bin')).toBe('version 1')
    expect(await listFiles('cache://files')).toEqual(['cache://files/a.bin'])
  })

  it('a write that dies while replacing the old entry leaves the new file, whole', async () => {
    await putFile('cache://files/a.bin', 'version 1', { lastModified: Date.UTC(2024, 0, 1) })
    await dieDuringCopy('http://localhost/a.bin')
    await expect(putFile('cache://files/a.bin', 'version 2', { lastModified: Date.UTC(2025, 0, 1) })).rejects.toThrow('browser killed')
    vi.restoreAllMocks()
    expect(await getFile('cache://files/a.bin')).toMatchObject({ size: 9, lastModified: Date.UTC(2025, 0, 1), mediaType: 'application/octet-stream' })
    expect(await text('cache://files/a.bin')).toBe('version 2')
    expect(await listFiles('cache://files')).toEqual(['cache://files/a.bin'])
  })

  it('the next write and deleteFile clean up what a dead write left', async () => {
    await dieDuringCopy('http://localhost/a.bin')
    await putFile('cache://files/a.bin', 'version 1').catch(() => {})
    vi.restoreAllMocks()
    const cache = await storage.open('files')
    expect(await cache.keys()).toHaveLength(1)
    await putFile('cache://files/a.bin', 'version 2')
    expect((await cache.keys()).map((request) => request.url)).toEqual(['http://localhost/a.bin'])
    expect(await text('cache://files/a.bin')).toBe('version 2')

    await dieDuringCopy('http://localhost/a.bin')
    await putFile('cache://files/a.bin', 'version 3').catch(() => {})
    vi.restoreAllMocks()
    expect(await text('cache://files/a.bin')).toBe('version 3')
    expect(await deleteFile('cache://files/a.bin')).toBe(true)
    expect(await cache.keys()).toEqual([])
    expect(await getFile('cache://files/a.bin')).toBeUndefined()
  })

  it('a dead write and the next one within the same millisecond: the next one still supersedes it', async () => {
    for (let round = 0; round < 20; round++) {
      vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000)
      await dieDuringCopy('http://localhost/a.bin')
      await putFile('cache://files/a.bin', 'dead write').catch(() => {})
      vi.restoreAllMocks()
      vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000)
      await putFile('cache://files/a.bin', `round ${round}`)
      vi.restoreAllMocks()
      const cache = await storage.open('files')
      expect((await cache.keys()).map((request) => request.url)).toEqual(['http://localhost/a.bin'])
      expect(await text('cache://files/a.bin')).toBe(`round ${round}`)
    }
  })

  it('a left-over copy loses to a newer write that completed', async () => {
    await dieDuringCopy('http://localhost/a.bin')
    await putFile('cache://files/a.bin', 'dead write').catch(() => {})
    vi.restoreAllMocks()
    await putFile('cache://files/b.bin', 'other file')
    await putFile('cache://files/a.bin', 'newer')
    expect(await text('cache://files/a.bin')).toBe('newer')
    expect(await listFiles('cache://files')).toEqual(['cache://files/a.bin', 'cache://files/b.bin'])
  })

  it('no key reads or deletes a pending copy of another file', async () => {
    await dieDuringCopy('http://localhost/a.bin')
    await putFile('cache://files/a.bin', 'pending').catch(() => {})
    vi.restoreAllMocks()
    const [pending] = await (await storage.open('files')).keys()
    for (const key of [pending.url, `//${new URL(pending.url).host}${new URL(pending.url).pathname}`, 'a.bin?write']) {
      expect(await getFile(`cache://files/${key}`)).toBeUndefined()
      expect(await deleteFile(`cache://files/${key}`)).toBe(false)
    }
    expect(await text('cache://files/a.bin')).toBe('pending')
  })
})
