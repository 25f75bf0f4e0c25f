// IndexedDB that refuses Blobs, as WebKit's private windows (and WebDriver sessions) do.
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeLatin1 } from '../../src/bytes.js'
import { headerPairs, httpScope, recordingSend, scriptedReceive } from '../helpers/asgi.js'

const REFUSAL = 'Error preparing Blob/File data to be stored in object store'

const holdsBlob = (value: unknown) => typeof value === 'object' && value !== null && Object.values(value).some((v) => v instanceof Blob)

/**
 * Fails `put` for values that hold a Blob the way WebKit does: the request's error is an
 * UnknownError, and the transaction aborts with its own error still null.
 */
function refuseBlobs(refuse: (value: unknown) => boolean = holdsBlob) {
  const put = IDBObjectStore.prototype.put
  return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (!refuse(value)) return put.call(this, value, key)
    this.transaction.abort()
    return { error: new DOMException(REFUSAL, 'UnknownError') } as IDBRequest
  })
}

let FileResponse: typeof import('../../src/responses/index.js').FileResponse
let getFile: typeof import('../../src/storage/index.js').getFile
let putFile: typeof import('../../src/storage/index.js').putFile

// Fresh modules for each test: the store remembers a refusal for the rest of the session.
beforeEach(async () => {
  vi.resetModules()
  ;({ FileResponse } = await import('../../src/responses/index.js'))
  ;({ getFile, putFile } = await import('../../src/storage/index.js'))
})

afterEach(() => vi.restoreAllMocks())

/** What a reader can tell about a stored file. */
async function described(path: string) {
  const file = (await getFile(path))!
  return {
    size: file.size,
    lastModified: file.lastModified,
    mediaType: file.mediaType,
    type: file.blob.type,
    text: await file.blob.text(),
    name: file.blob instanceof File ? file.blob.name : null,
  }
}

/** Status, headers and body that a FileResponse sends for `path`. */
async function served(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const scope = httpScope({ method, headers: Object.entries(headers).map(([k, v]) => [encodeLatin1(k), encodeLatin1(v)]) })
  const send = recordingSend()
  await new FileResponse(path)(scope, scriptedReceive(), send)
  const [start, ...rest] = send.messages
  return { status: start.status, headers: headerPairs(start), body: Buffer.concat(rest.map((m) => m.body as Uint8Array)).toString() }
}

describe('idb:// where the browser refuses Blobs', () => {
  it('stores the bytes instead, and reads them back as the same file a Blob record gives', async () => {
    const options = { mediaType: 'text/plain', lastModified: 1_700_000_000_123 }
    await putFile('idb://private/blob.txt', 'héllo wörld', options)
    refuseBlobs()
    await putFile('idb://private/bytes.txt', 'héllo wörld', options)
    const expected = { size: 13, lastModified: 1_700_000_000_123, mediaType: 'text/plain', type: 'text/plain', text: 'héllo wörld' }
    expect(await described('idb://private/bytes.txt')).toMatchObject(expected)
    expect(await described('idb://private/blob.txt')).toMatchObject(expected)
  })

  it('keeps a File name with the bytes', async () => {
    refuseBlobs()
    await putFile('idb://private/photo', new File(['jpeg'], 'photo.jpg', { type: 'image/jpeg', lastModified: 7 }), { lastModified: 7 })
    expect(await described('idb://private/photo')).toEqual({ size: 4, lastModified: 7, mediaType: 'image/jpeg', type: 'image/jpeg', text: 'jpeg', name: 'photo.jpg' })
  })

  it('FileResponse serves both forms identically: 200, ranges, HEAD and 304', async () => {
    const options = { mediaType: 'text/plain', lastModified: Date.UTC(2024, 0, 2) }
    await putFile('idb://private/blob-form.txt', '0123456789', options)
    refuseBlobs()
    await putFile('idb://private/bytes-form.txt', '0123456789', options)
    const statuses = []
    for (const [headers, method] of [[{}, 'GET'], [{ range: 'bytes=2-5' }, 'GET'], [{ range: 'bytes=0-1,8-' }, 'GET'], [{}, 'HEAD'], [{ 'if-modified-since': 'Tue, 02 Jan 2024 00:00:00 GMT' }, 'GET']] as const) {
      const [blobForm, bytesForm] = [await served('idb://private/blob-form.txt', headers, method), await served('idb://private/bytes-form.txt', headers, method)]
      // Multipart boundaries are random.
      const boundary = (answer: typeof blobForm) => /boundary=(\w+)/.exec(answer.headers.find(([k]) => k === 'content-type')?.[1] ?? '')?.[1]
      const normalize = (answer: typeof blobForm) => JSON.stringify(answer).replaceAll(boundary(answer) ?? '\0', 'BOUNDARY')
      expect(normalize(bytesForm)).toBe(normalize(blobForm))
      statuses.push(bytesForm.status)
    }
    expect(statuses).toEqual([200, 206, 206, 200, 304])
    expect((await served('idb://private/bytes-form.txt', { range: 'bytes=2-5' })).body).toBe('2345')
  })

  it('remembers the refusal: later writes send the bytes straight away', async () => {
    const put = refuseBlobs()
    await putFile('idb://private/first.bin', 'one')
    await putFile('idb://private/second.bin', 'two')
    expect(put.mock.calls.map(([value]) => holdsBlob(value))).toEqual([true, false, false])
    expect(await (await getFile('idb://private/second.bin'))!.blob.text()).toBe('two')
  })

  it('names the real cause when the bytes are refused too, never null', async () => {
    await putFile('idb://private/kept.txt', 'previous')
    refuseBlobs(() => true)
    const error: Error = await putFile('idb://private/kept.txt', 'next').catch((e) => e)
    expect(error.message).toBe(`Could not write "idb://private/kept.txt": UnknownError: ${REFUSAL}`)
    expect(error.message).not.toMatch(/null/)
    vi.restoreAllMocks()
    expect(await (await getFile('idb://private/kept.txt'))!.blob.text()).toBe('previous')
  })
})
