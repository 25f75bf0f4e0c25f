/** Files kept in IndexedDB through idb-keyval: one database per store name. */
import { createStore, get, keys, promisifyRequest, set, type UseStore } from 'idb-keyval'
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

/** Reads the record stored under `key`. */
export function getFile(store: string, key: string): Promise<StoredFile | undefined> {
  return withStore(store, (s) => get<StoredFile>(key, s))
}

/** Writes the record under `key`; IndexedDB replaces the old record atomically or not at all. */
export function putFile(store: string, key: string, file: StoredFile): Promise<void> {
  return withStore(store, (s) => set(key, file, s))
}

/** Deletes the record under `key`; resolves whether there was one. */
export function deleteFile(store: string, key: string): Promise<boolean> {
  return withStore(store, (s) =>
    s('readwrite', (objectStore) => {
      // Both requests in one transaction, so the answer describes the record actually deleted.
      const count = objectStore.count(key)
      objectStore.delete(key)
      return promisifyRequest(objectStore.transaction).then(() => count.result > 0)
    }),
  )
}

/** Lists every key in the store. */
export async function listKeys(store: string): Promise<string[]> {
  const all = await withStore(store, (s) => keys(s))
  return all.filter((key): key is string => typeof key === 'string')
}
