/**
 * What every implementation answers, byte for byte. Imported by the workers (and MSW's page-side
 * handlers), so it stays tiny: the routes, the JSON document, and the stream's chunks.
 */

/** The routes. `?i=N` on the JSON route; everything else takes no parameters. */
export const ROUTES = {
  json: '/bench/json',
  fileCache: '/bench/file/cache',
  fileIdb: '/bench/file/idb',
  stream: '/bench/stream',
  /** A small HTML page for the cold-start navigation. */
  page: '/bench/page',
} as const

/** The page every worker answers on `ROUTES.page`; the marker is how the runner knows a worker (not the network) answered. */
export const PAGE_MARKER = 'answered-by-the-worker'
export const PAGE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench page</title></head><body><p id="${PAGE_MARKER}">page</p></body></html>`

/** Where the page seeds the file: Cache Storage cache `bench`, entry `/bench-data/big.bin` (`cache://bench/bench-data/big.bin`). */
export const CACHE_NAME = 'bench'
export const CACHE_PATH = '/bench-data/big.bin'
/** For swasgi: `idb://bench/big.bin`; for the others, idb-keyval's default store, key `big.bin` (a Blob). */
export const IDB_KEY = 'big.bin'

/** The JSON document for request `i`, the same object in every implementation. */
export function payload(i: number) {
  return { id: i, name: `item ${i}`, ok: true, tags: ['bench', 'json'], score: i % 97 }
}

/** The stream: CHUNKS chunks of CHUNK_SIZE bytes; chunk `i` byte `j` is `(i * 31 + j) & 255`. */
export const CHUNKS = 1000
export const CHUNK_SIZE = 1024

/** Chunk `i` of the stream (a fresh array each time, as a real producer would hand over). */
export function chunk(i: number): Uint8Array {
  const bytes = new Uint8Array(CHUNK_SIZE)
  for (let j = 0; j < CHUNK_SIZE; j++) bytes[j] = (i * 31 + j) & 255
  return bytes
}

/** The stream as a hand-written worker makes it: one chunk per pull (the `bare` floor). */
export function handMadeStream(): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(chunk(i++))
      if (i === CHUNKS) controller.close()
    },
  })
}
