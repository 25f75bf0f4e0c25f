/**
 * The page code that drives every implementation: the same functions, the same checks, the same
 * timing. run.mjs calls `window.bench.*` through Playwright; each implementation's main.ts only says
 * how to start its worker and how to seed the stores.
 */
import { CHUNKS, ROUTES, chunk, payload } from './spec.js'

/** What differs per implementation on the page. */
export interface Impl {
  name: string
  /** Registers the worker (or starts MSW); resolves once it can answer. */
  start(): Promise<void>
  /** Stores the file in Cache Storage and IndexedDB the way this tool's users would. */
  seed(blob: Blob): Promise<void>
}

export const FILE_SIZE = 64 * 1024 * 1024

/** The file's deterministic bytes (xorshift32). */
export function fileBytes(size = FILE_SIZE): Uint8Array {
  const words = new Uint32Array(size / 4)
  let x = 0x9e3779b9
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x >>> 0
  }
  return new Uint8Array(words.buffer)
}

function streamBytes(): Uint8Array {
  const all = new Uint8Array(CHUNKS * 1024)
  for (let i = 0; i < CHUNKS; i++) all.set(chunk(i), i * 1024)
  return all
}

class BenchError extends Error {}

function fail(what: string): never {
  throw new BenchError(what)
}

/** Waits until a worker controls the page. */
async function controlled(): Promise<void> {
  if (navigator.serviceWorker.controller) return
  await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }))
}

/** Registers a worker script and waits until it controls the page. */
export async function registerWorker(url: string): Promise<void> {
  await navigator.serviceWorker.register(url)
  await navigator.serviceWorker.ready
  await controlled()
}

interface Read {
  /** ms from fetch() to the first chunk */
  first: number
  /** ms from fetch() to the end of the body */
  total: number
  bytes: number
}

/**
 * Fetches `url` and reads its body chunk by chunk. With `full`, every byte is compared with
 * `expected`; otherwise the first and last byte of every chunk are (cheap, and still catches a
 * wrong or shifted body). A wrong status, length or byte throws.
 */
async function read(url: string, expected: Uint8Array, full = false): Promise<Read> {
  const started = performance.now()
  const response = await fetch(url)
  if (response.status !== 200) fail(`${url}: status ${response.status}`)
  if (!response.body) fail(`${url}: no body`)
  const reader = response.body.getReader()
  let first = -1
  let offset = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (first < 0) first = performance.now() - started
    const end = offset + value.byteLength
    if (end > expected.length) fail(`${url}: body longer than ${expected.length} bytes`)
    if (full) {
      for (let i = 0; i < value.byteLength; i++) if (value[i] !== expected[offset + i]) fail(`${url}: wrong byte at ${offset + i}`)
    } else if (value.byteLength && (value[0] !== expected[offset] || value[value.byteLength - 1] !== expected[end - 1])) {
      fail(`${url}: wrong bytes in the chunk at ${offset}`)
    }
    offset = end
  }
  const total = performance.now() - started
  if (offset !== expected.length) fail(`${url}: ${offset} bytes instead of ${expected.length}`)
  return { first, total, bytes: offset }
}

async function getJSON(i: number): Promise<void> {
  const response = await fetch(`${ROUTES.json}?i=${i}`)
  const data = (await response.json()) as { id?: unknown }
  if (data.id !== i) fail(`${ROUTES.json}?i=${i}: wrong document ${JSON.stringify(data)}`)
}

export function install(impl: Impl): void {
  let file: Uint8Array | null = null
  const stream = streamBytes()
  const fileURL = (store: 'cache' | 'idb') => (store === 'cache' ? ROUTES.fileCache : ROUTES.fileIdb)
  const seeded = () => file ?? fail('seed() first')

  const bench = {
    name: impl.name,

    async ready(): Promise<string> {
      await impl.start()
      await controlled()
      return impl.name
    },

    /** Writes the same 64 MiB into Cache Storage and IndexedDB; returns ms taken. */
    async seed(): Promise<number> {
      const started = performance.now()
      file = fileBytes()
      await impl.seed(new Blob([file as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }))
      return performance.now() - started
    },

    /** Checks one route's status and exact bytes; throws on the first difference. */
    async verify(route: 'json' | 'fileCache' | 'fileIdb' | 'stream'): Promise<string | null> {
      if (route === 'json') {
        let type: string | null = null
        for (const i of [0, 1, 42, 1999]) {
          const response = await fetch(`${ROUTES.json}?i=${i}`)
          const text = await response.text()
          if (response.status !== 200) fail(`${ROUTES.json}: status ${response.status}`)
          if (text !== JSON.stringify(payload(i))) fail(`${ROUTES.json}?i=${i}: body ${text.slice(0, 200)}`)
          type = response.headers.get('content-type')
        }
        return type
      }
      if (route === 'stream') await read(ROUTES.stream, stream, true)
      else await read(ROUTES[route], seeded(), true)
      return route
    },

    /** `n` fetch + json() one after another; ms per request. */
    async sequential(n: number): Promise<number[]> {
      const times = new Array<number>(n)
      for (let i = 0; i < n; i++) {
        const started = performance.now()
        await getJSON(i)
        times[i] = performance.now() - started
      }
      return times
    },

    /** `n` fetch + json() at once; total ms. */
    async concurrent(n: number): Promise<number> {
      const started = performance.now()
      await Promise.all(Array.from({ length: n }, (_, i) => getJSON(i)))
      return performance.now() - started
    },

    /** Reads the 64 MiB file `reps` times; MB/s (10^6 bytes) of each read. */
    async file(store: 'cache' | 'idb', reps: number): Promise<number[]> {
      const rates: number[] = []
      for (let r = 0; r < reps; r++) {
        const { total, bytes } = await read(fileURL(store), seeded())
        rates.push(bytes / 1e6 / (total / 1000))
      }
      return rates
    },

    /** One fetch + json(), timed: run.mjs stops the worker first, so this is the cold start a user waits for. */
    async coldFetch(): Promise<number> {
      const started = performance.now()
      await getJSON(7)
      return performance.now() - started
    },

    /** The 1,000 x 1 KiB stream `reps` times: ms to the first chunk and to the end. */
    async stream(reps: number): Promise<{ first: number; total: number }[]> {
      const runs: { first: number; total: number }[] = []
      for (let r = 0; r < reps; r++) {
        const { first, total } = await read(ROUTES.stream, stream)
        runs.push({ first, total })
      }
      return runs
    },
  }
  ;(window as unknown as { bench: typeof bench }).bench = bench
}
