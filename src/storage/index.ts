/** swasgi/storage: files in Cache Storage (`cache://CACHE/PATH`) and IndexedDB (`idb://STORE/KEY`). */
import { guessMediaType } from '../mediatypes/standard.js'
import * as cache from './cache.js'
import * as idb from './idb.js'
import { formatPath, parsePath, parsePrefix, setDefaultStore, type FileLocation } from './paths.js'
import type { StoredFile } from './types.js'

export type { StoredFile } from './types.js'

/** What `putFile` accepts as a file's contents. */
export type FileData = Blob | ArrayBuffer | Uint8Array | string | Response

/** Metadata for `putFile`; by default the media type comes from the data or the path, lastModified is now. */
export interface PutFileOptions {
  mediaType?: string
  lastModified?: Date | number
}


/** Sets the store for paths without a scheme (default `idb://files`). */
export function configureFiles(options: { default: string }): void {
  setDefaultStore(options.default)
}

// Each operation picks its store's function by name rather than through a { idb, cache } table:
// a table keeps every function of both stores in a bundle (a worker that only reads files would
// carry the writers and listers too).

/** Stores a file, replacing any file at that path; a failed write leaves the old one intact. */
export async function putFile(path: string, data: FileData, options: PutFileOptions = {}): Promise<void> {
  const location = parsePath(path)
  const blob = data instanceof Response ? await data.blob() : data instanceof Blob ? data : new Blob([data as BlobPart])
  const mediaType = options.mediaType || blob.type || guessMediaType(location.key) || 'application/octet-stream'
  const file: StoredFile = {
    // slice() relabels the Blob without copying its bytes.
    blob: blob.type === mediaType ? blob : blob.slice(0, blob.size, mediaType),
    size: blob.size,
    lastModified: Number(options.lastModified ?? Date.now()),
    mediaType,
  }
  await attempt('write', location, () => (location.scheme === 'idb' ? idb.putFile : cache.putFile)(location.store, location.key, file))
}

/** Reads a file, or resolves `undefined` when there is none at that path. */
export async function getFile(path: string): Promise<StoredFile | undefined> {
  const location = parsePath(path)
  return attempt('read', location, () => (location.scheme === 'idb' ? idb.getFile : cache.getFile)(location.store, location.key))
}

/** Deletes a file; resolves whether there was one. */
export async function deleteFile(path: string): Promise<boolean> {
  const location = parsePath(path)
  return attempt('delete', location, () => (location.scheme === 'idb' ? idb.deleteFile : cache.deleteFile)(location.store, location.key))
}

/** Lists the full paths (with scheme) of the files in one store whose path starts with `prefix`, sorted. */
export async function listFiles(prefix: string): Promise<string[]> {
  const location = parsePrefix(prefix)
  const keys = await attempt('list', location, () => (location.scheme === 'idb' ? idb.listKeys : cache.listKeys)(location.store))
  return keys
    .filter((key) => key.startsWith(location.key))
    .map((key) => formatPath({ ...location, key }))
    .sort()
}

/** Runs a store operation, naming the path and the cause when it fails. */
async function attempt<T>(verb: string, location: FileLocation, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (cause) {
    throw new Error(`Could not ${verb} ${JSON.stringify(formatPath(location))}: ${String(cause)}`, { cause })
  }
}
