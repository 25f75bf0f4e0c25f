/** Files kept in IndexedDB through idb-keyval: one database per store name. */
import { createStore, get, keys, type UseStore } from 'idb-keyval'
import type { StoredFile } from './types.js'

// idb-keyval keeps one object store per database, so each store name gets its own database.
const stores = new Map<string, UseStore>()

function storeFor(name: string): UseStore {
  let store = stores.get(name)
  if (!store) {
    store = createStore(`swasgi-files:${name}`, 'files')
    stores.set(name, store)
  }
  return store
}

function isClosing(error: unknown): boolean {
  return error instanceof Error && (error.name === 'InvalidStateError' || /connection is closing/i.test(error.message))
}

/** Runs `operation` on the named store, reopening the database once if the browser closed it under us. */
async function withStore<T>(name: string, operation: (store: UseStore) => Promise<T>): Promise<T> {
  try {
    return await operation(storeFor(name))
  } catch (error) {
    if (!isClosing(error)) throw error
    stores.delete(name)
    return operation(storeFor(name))
  }
}

/** A file as IndexedDB holds it: with its Blob, or its bytes where the browser refuses Blobs. */
type FileRecord = StoredFile | BytesRecord

interface BytesRecord extends Omit<StoredFile, 'blob'> {
  bytes: ArrayBuffer
  /** The name, when the file was a File. */
  name?: string
}

// WebKit's private windows (and every WebDriver session) refuse Blobs, so the first refusal sends
// every later write of this session straight to bytes.
let blobsRefused = false

/** Reads the record stored under `key`; either form comes back as the same StoredFile. */
export async function getFile(store: string, key: string): Promise<StoredFile | undefined> {
  const record = await withStore(store, (s) => get<FileRecord>(key, s))
  if (!record || !('bytes' in record)) return record
  const { bytes, name, ...file } = record
  const options = { type: file.mediaType, lastModified: file.lastModified }
  return { ...file, blob: name === undefined ? new Blob([bytes], options) : new File([bytes], name, options) }
}

/** Writes the record under `key`; IndexedDB replaces the old record atomically or not at all. */
export async function putFile(store: string, key: string, file: StoredFile): Promise<void> {
  if (!blobsRefused) {
    try {
      return await write(store, key, file)
    } catch (error) {
      if (!refusesBlob(error)) throw error
    }
  }
  await write(store, key, await toBytes(file))
  blobsRefused = true
}

/** WebKit's `UnknownError: Error preparing Blob/File data…`, or a structured-clone failure. */
function refusesBlob(error: unknown): boolean {
  return error instanceof Error && (error.name === 'UnknownError' || error.name === 'DataCloneError')
}

async function toBytes({ blob, ...file }: StoredFile): Promise<BytesRecord> {
  return { ...file, bytes: await blob.arrayBuffer(), ...(blob instanceof File && { name: blob.name }) }
}

function write(store: string, key: string, record: FileRecord): Promise<void> {
  return withStore(store, (s) =>
    s('readwrite', (objectStore) => {
      const request = objectStore.put(record, key)
      return committed(objectStore.transaction, request)
    }),
  )
}

/** Settles with the transaction, rejecting with the failed request's error: WebKit leaves the transaction's null. */
function committed(transaction: IDBTransaction, request: IDBRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve()
    transaction.onabort = transaction.onerror = () =>
      reject(request.error ?? transaction.error ?? new Error('IndexedDB aborted the transaction without giving a reason'))
  })
}

/** Deletes the record under `key`; resolves whether there was one. */
export function deleteFile(store: string, key: string): Promise<boolean> {
  return withStore(store, (s) =>
    s('readwrite', (objectStore) => {
      // Both requests in one transaction, so the answer describes the record actually deleted.
      const count = objectStore.count(key)
      return committed(objectStore.transaction, objectStore.delete(key)).then(() => count.result > 0)
    }),
  )
}

/** Lists every key in the store. */
export async function listKeys(store: string): Promise<string[]> {
  const all = await withStore(store, (s) => keys(s))
  return all.filter((key): key is string => typeof key === 'string')
}
