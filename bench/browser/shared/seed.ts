/** Seeding as users of a plain worker, MSW, Hono or Workbox would: Cache Storage and idb-keyval directly. */
import { set } from 'idb-keyval'
import { CACHE_NAME, CACHE_PATH, IDB_KEY } from './spec.js'

export async function seedPlain(blob: Blob): Promise<void> {
  const cache = await caches.open(CACHE_NAME)
  const headers = { 'content-type': blob.type, 'content-length': String(blob.size), 'last-modified': new Date().toUTCString() }
  await cache.put(CACHE_PATH, new Response(blob, { headers }))
  await set(IDB_KEY, blob)
}
