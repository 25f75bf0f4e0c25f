import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { configureFiles, deleteFile, getFile, listFiles, putFile } from '../../src/storage/index.js'

afterEach(() => {
  vi.restoreAllMocks()
  configureFiles({ default: 'idb://files' })
})

const text = async (path: string) => (await getFile(path))?.blob.text()

describe('idb:// round trips', () => {
  it.each([
    ['a string', 'héllo'],
    ['an ArrayBuffer', new TextEncoder().encode('héllo').buffer],
    ['a Uint8Array', new TextEncoder().encode('héllo')],
    ['a Uint8Array view into a larger buffer', new TextEncoder().encode('xhéllox').subarray(1, 7)],
    ['a Blob', new Blob(['hél', 'lo'])],
    ['a Response', new Response('héllo')],
  ])('stores %s and reads the same bytes back', async (_, data) => {
    await putFile('idb://round/trip.bin', data)
    const file = await getFile('idb://round/trip.bin')
    expect(await file!.blob.text()).toBe('héllo')
    expect(file!.size).toBe(6)
  })

  it('answers undefined for a missing file', async () => {
    expect(await getFile('idb://files/nothing-here')).toBeUndefined()
  })

  it('replaces the previous file', async () => {
    await putFile('idb://files/replace.txt', 'old')
    await putFile('idb://files/replace.txt', 'new')
    expect(await text('idb://files/replace.txt')).toBe('new')
  })

  it('keeps stores with the same key apart', async () => {
    await putFile('idb://one/same.txt', '1')
    await putFile('idb://two/same.txt', '2')
    expect([await text('idb://one/same.txt'), await text('idb://two/same.txt')]).toEqual(['1', '2'])
  })
})

describe('idb:// metadata', () => {
  it('keeps the explicit media type and lastModified (Date or ms) exactly', async () => {
    await putFile('idb://meta/a.bin', 'x', { mediaType: 'text/x-custom', lastModified: new Date(1_700_000_000_123) })
    expect(await getFile('idb://meta/a.bin')).toMatchObject({ size: 1, lastModified: 1_700_000_000_123, mediaType: 'text/x-custom' })
    await putFile('idb://meta/b.bin', 'x', { lastModified: 42 })
    expect((await getFile('idb://meta/b.bin'))!.lastModified).toBe(42)
  })

  it('labels the stored Blob with the media type', async () => {
    await putFile('idb://meta/c.bin', new Blob(['x'], { type: 'text/plain' }), { mediaType: 'text/csv' })
    expect((await getFile('idb://meta/c.bin'))!.blob.type).toBe('text/csv')
  })

  it('takes the media type from a Blob, then from a Response', async () => {
    await putFile('idb://meta/d.txt', new Blob(['x'], { type: 'image/png' }))
    expect((await getFile('idb://meta/d.txt'))!.mediaType).toBe('image/png')
    await putFile('idb://meta/e.txt', new Response('{}', { headers: { 'content-type': 'application/json' } }))
    expect((await getFile('idb://meta/e.txt'))!.mediaType).toBe('application/json')
  })

  it('guesses the media type from the key, else application/octet-stream', async () => {
    await putFile('idb://meta/page.html', '<p>')
    await putFile('idb://meta/noextension', 'x')
    expect((await getFile('idb://meta/page.html'))!.mediaType).toBe('text/html')
    expect((await getFile('idb://meta/noextension'))!.mediaType).toBe('application/octet-stream')
  })

  it('stamps lastModified with the time of writing by default', async () => {
    const before = Date.now()
    await putFile('idb://meta/now.txt', 'x')
    const { lastModified } = (await getFile('idb://meta/now.txt'))!
    expect(lastModified).toBeGreaterThanOrEqual(before)
    expect(lastModified).toBeLessThanOrEqual(Date.now())
  })
})

describe('the default store', () => {
  it('is idb://files', async () => {
    await putFile('default.txt', 'd')
    expect(await text('idb://files/default.txt')).toBe('d')
  })

  it('is what configureFiles sets', async () => {
    configureFiles({ default: 'idb://elsewhere' })
    await putFile('configured.txt', 'c')
    expect(await text('idb://elsewhere/configured.txt')).toBe('c')
    expect(await getFile('idb://files/configured.txt')).toBeUndefined()
  })
})

describe('deleteFile and listFiles on idb://', () => {
  it('deleteFile resolves true when it deleted a file, false when there was none', async () => {
    await putFile('idb://del/x.txt', 'x')
    expect(await deleteFile('idb://del/x.txt')).toBe(true)
    expect(await getFile('idb://del/x.txt')).toBeUndefined()
    expect(await deleteFile('idb://del/x.txt')).toBe(false)
  })

  it('listFiles answers full sorted paths under the prefix', async () => {
    for (const key of ['docs/b.txt', 'docs/a.txt', 'docs2/c.txt', 'img/d.png']) await putFile(`idb://list/${key}`, key)
    expect(await listFiles('idb://list/docs/')).toEqual(['idb://list/docs/a.txt', 'idb://list/docs/b.txt'])
    expect(await listFiles('idb://list/docs')).toEqual(['idb://list/docs/a.txt', 'idb://list/docs/b.txt', 'idb://list/docs2/c.txt'])
    expect(await listFiles('idb://list')).toHaveLength(4)
    expect(await listFiles('idb://empty-store/')).toEqual([])
  })

  it('listFiles without a scheme lists the default store', async () => {
    configureFiles({ default: 'idb://listdefault' })
    await putFile('a.txt', 'a')
    expect(await listFiles('')).toEqual(['idb://listdefault/a.txt'])
  })

  it('refuses an invalid path before touching a store', async () => {
    await expect(putFile('idb://files/../x', 'x')).rejects.toThrow('Invalid file path "idb://files/../x": ".." escapes the store')
    await expect(getFile('ftp://files/x')).rejects.toThrow(TypeError)
    await expect(deleteFile('idb://files/')).rejects.toThrow('empty key')
  })
})

describe('idb:// failures', () => {
  it('a failed write leaves the previous file intact and names the path and the cause', async () => {
    await putFile('idb://quota/keep.txt', 'previous', { lastModified: 1000 })
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw quota
    })
    const error = await putFile('idb://quota/keep.txt', 'next').catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe('Could not write "idb://quota/keep.txt": QuotaExceededError: The quota has been exceeded.')
    expect((error as Error).cause).toBe(quota)
    expect(await getFile('idb://quota/keep.txt')).toMatchObject({ size: 8, lastModified: 1000 })
    expect(await text('idb://quota/keep.txt')).toBe('previous')
  })

  it('reopens the database once when the connection is closing', async () => {
    await putFile('idb://closing/a.txt', 'a')
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementationOnce(() => {
      throw new DOMException("Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing.", 'InvalidStateError')
    })
    expect(await text('idb://closing/a.txt')).toBe('a')
    expect(transaction).toHaveBeenCalledTimes(2)
  })

  it('gives up when the reopened connection fails too', async () => {
    await putFile('idb://closing2/a.txt', 'a')
    const closing = () => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError')
    }
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementationOnce(closing).mockImplementationOnce(closing)
    await expect(getFile('idb://closing2/a.txt')).rejects.toThrow('Could not read "idb://closing2/a.txt": InvalidStateError: The database connection is closing.')
  })
})

describe('idb:// keys stay in their store', () => {
  it.each(['/evil/x', '\\\\evil\\x', '%5C%5Cevil/x', 'http://evil.test/x', '%2F..%2Fother/x', 'a\\..\\..\\x', '__proto__', 'constructor', '../x', 'a/../../x', '%2e%2e/x', 'x\0y'])(
    '%j is refused, or stored under exactly itself',
    async (key) => {
      await putFile('idb://other/x', 'other store')
      const path = `idb://confined/${key}`
      const stored = await putFile(path, 'ours').then(
        () => true,
        (error: Error) => (expect(error).toBeInstanceOf(TypeError), false),
      )
      expect(await listFiles('idb://confined')).toEqual(stored ? [path] : [])
      if (stored) expect(await text(path)).toBe('ours')
      expect(await text('idb://other/x')).toBe('other store')
      if (stored) await deleteFile(path)
    },
  )
})
