/** Files kept in Cache Storage: `cache://CACHE/PATH` is the entry for `/PATH` on the worker's origin. */
import { guessWebMediaType } from '../mediatypes/web.js'
import type { StoredFile } from './types.js'

// Workbox precaches `{ url, revision }` under `url?__WB_REVISION__=revision`.
const REVISION = '__WB_REVISION__'

function open(name: string): Promise<Cache> {
  const storage = globalThis.caches
  if (!storage) throw new Error('Cache Storage is not available here (globalThis.caches is undefined)')
  return storage.open(name)
}

/** The worker's (or page's) origin, where every key of every cache:// store lives. */
function origin(): string {
  return new URL(globalThis.location?.href ?? 'http://localhost/').origin
}

// What the URL parser would read as structure or drop: `\` (a slash in http URLs), `#` (a fragment,
// which Cache Storage ignores), tabs and newlines (removed), spaces and controls (trimmed at the ends).
const NOT_LITERAL = /[\0-\x20\\#]/g

/** The entry's URL: the key appended to the origin (never resolved against it, so `//host` stays a path). */
function urlFor(key: string): string {
  return new URL(`${origin()}/${key.replace(NOT_LITERAL, encodeURIComponent)}`).href
}

function withoutRevision(href: string): string {
  const url = new URL(href)
  // Deleting re-serializes the query (%20 becomes +), so leave URLs without a revision untouched.
  if (!url.searchParams.has(REVISION)) return href
  url.searchParams.delete(REVISION)
  return url.href
}

/** The cache's requests for `url`: the exact entry and any Workbox precache entries for it. */
async function requestsFor(cache: Cache, url: string): Promise<readonly Request[]> {
  const candidates = await cache.keys(url, { ignoreSearch: true })
  return candidates.filter((request) => withoutRevision(request.url) === url)
}

async function matchPrecached(cache: Cache, url: string): Promise<Response | undefined> {
  const [request] = await requestsFor(cache, url)
  return request && cache.match(request)
}

function dateHeader(headers: Headers, name: string): number | undefined {
  const ms = Date.parse(headers.get(name) ?? '')
  return Number.isNaN(ms) ? undefined : ms
}

/** Reads the entry for `key`, preferring the exact URL over a Workbox precache entry. */
export async function getFile(store: string, key: string): Promise<StoredFile | undefined> {
  const cache = await open(store)
  const url = urlFor(key)
  const response = (await cache.match(url)) ?? (await matchPrecached(cache, url)) ?? (await matchPending(cache, url))
  if (!response) return undefined
  const blob = await response.blob()
  const { headers } = response
  return {
    blob,
    // The body, not Content-Length: ranges are cut from this Blob, so its size is the truth.
    size: blob.size,
    lastModified: dateHeader(headers, 'last-modified') ?? dateHeader(headers, 'date') ?? Date.now(),
    mediaType: headers.get('content-type') ?? guessWebMediaType(key) ?? 'application/octet-stream',
  }
}

// A write lands first under a pending URL, on a host that is never the worker's (`.invalid` is
// reserved), then is copied to the entry's own URL. Chromium deletes the old entry before it writes
// the new one, so a crash during that copy would lose both: the whole pending copy is read instead.
const PENDING = 'https://swasgi.invalid/pending/'

/** What the pending URLs for `url` share before their query. */
function pendingBase(url: string): string {
  return PENDING + encodeURIComponent(url)
}

// Strictly increasing in this worker, so two writes within one millisecond still sort by age.
let lastWrite = 0

/** A pending URL for one write of `url`; the zero-padded stamp sorts writes by age. */
function pendingUrl(url: string): string {
  lastWrite = Math.max(Date.now(), lastWrite + 1)
  return `${pendingBase(url)}?write=${String(lastWrite).padStart(15, '0')}-${Math.random().toString(36).slice(2)}`
}

/** The pending copies of `url`, newest first. */
async function pendingFor(cache: Cache, url: string): Promise<Request[]> {
  const requests = await cache.keys(pendingBase(url), { ignoreSearch: true })
  return [...requests].sort((a, b) => (a.url < b.url ? 1 : -1))
}

/** The URL an entry stands for: its own, or for a pending copy the URL being written. */
function targetOf(request: Request): string {
  return request.url.startsWith(PENDING) ? decodeURIComponent(request.url.slice(PENDING.length).replace(/\?.*/, '')) : request.url
}

/** The newest pending copy, which only outlives its write when the browser died during the copy. */
async function matchPending(cache: Cache, url: string): Promise<Response | undefined> {
  const [newest] = await pendingFor(cache, url)
  return newest && cache.match(newest)
}

/**
 * Writes the entry for `key`; its headers carry the metadata (Last-Modified keeps whole seconds only).
 * Readers see the old entry or the new one, whole, even after a crash (see PENDING).
 */
export async function putFile(store: string, key: string, file: StoredFile): Promise<void> {
  const cache = await open(store)
  const headers = {
    'content-type': file.mediaType,
    'content-length': String(file.size),
    'last-modified': new Date(file.lastModified).toUTCString(),
  }
  const url = urlFor(key)
  const pending = pendingUrl(url)
  await cache.put(pending, new Response(file.blob, { headers }))
  try {
    await cache.put(url, new Response(file.blob, { headers }))
  } catch (error) {
    // Keep the pending copy only if the failed put took the old entry with it.
    if (await cache.match(url)) await cache.delete(pending)
    throw error
  }
  // This write's pending copy and older ones (left by a crash) are superseded now.
  const superseded = (await pendingFor(cache, url)).filter((request) => request.url <= pending)
  await Promise.all(superseded.map((request) => cache.delete(request)))
}

/** Deletes the entry for `key`, Workbox precache entries and pending copies included; resolves whether there was one. */
export async function deleteFile(store: string, key: string): Promise<boolean> {
  const cache = await open(store)
  const url = urlFor(key)
  const requests = [...(await requestsFor(cache, url)), ...(await pendingFor(cache, url))]
  const deleted = await Promise.all(requests.map((request) => cache.delete(request)))
  return deleted.includes(true)
}

/** Lists the keys of the store's entries on this origin (pending copies too), Workbox revisions removed. */
export async function listKeys(store: string): Promise<string[]> {
  const cache = await open(store)
  const here = origin()
  const keys = new Set<string>()
  for (const request of await cache.keys()) {
    const url = new URL(withoutRevision(targetOf(request)))
    if (url.origin === here) keys.add(keyOf(url))
  }
  return [...keys]
}

/** The key for an entry URL: decoded where that names the same URL (`a b`, `café`), else as stored (`%2e`). */
function keyOf(url: URL): string {
  const raw = url.pathname.slice(1) + url.search
  try {
    const decoded = decodeURI(raw)
    return urlFor(decoded) === url.href ? decoded : raw
  } catch {
    return raw
  }
}
