// Workbox routing: registerRoute with a CacheOnly strategy for Cache Storage, handlers for the rest.
import { clientsClaim } from 'workbox-core'
import { registerRoute } from 'workbox-routing'
import { CacheOnly } from 'workbox-strategies'
import { get } from 'idb-keyval'
import { CACHE_NAME, CACHE_PATH, CHUNKS, IDB_KEY, PAGE_HTML, ROUTES, chunk, payload } from '../../shared/spec.js'
import { worker } from '../../shared/worker.js'

const path = (pathname: string) => ({ url }: { url: URL }) => url.pathname === pathname
const notFound = () => new Response('Not Found', { status: 404 })

registerRoute(path(ROUTES.page), async () => new Response(PAGE_HTML, { headers: { 'content-type': 'text/html; charset=utf-8' } }))
registerRoute(path(ROUTES.json), async ({ url }) =>
  new Response(JSON.stringify(payload(Number(url.searchParams.get('i')))), { headers: { 'content-type': 'application/json' } }),
)
// The Workbox way to serve a cached entry under another URL: a cache-key plugin.
registerRoute(
  path(ROUTES.fileCache),
  new CacheOnly({ cacheName: CACHE_NAME, plugins: [{ cacheKeyWillBeUsed: async () => new URL(CACHE_PATH, location.href).href }] }),
)
registerRoute(path(ROUTES.fileIdb), async () => {
  const blob = await get<Blob>(IDB_KEY)
  return blob ? new Response(blob, { headers: { 'content-type': blob.type, 'content-length': String(blob.size) } }) : notFound()
})
registerRoute(path(ROUTES.stream), async () => {
  let i = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(chunk(i++))
      if (i === CHUNKS) controller.close()
    },
  })
  return new Response(body, { headers: { 'content-type': 'application/octet-stream' } })
})

worker.addEventListener('install', () => void worker.skipWaiting())
clientsClaim()
