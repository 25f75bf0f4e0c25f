// The practical floor: a hand-written fetch listener.
import { get } from 'idb-keyval'
import { CACHE_NAME, CACHE_PATH, IDB_KEY, PAGE_HTML, ROUTES, handMadeStream, payload } from '../../shared/spec.js'
import { takeOver, worker } from '../../shared/worker.js'

const notFound = () => new Response('Not Found', { status: 404 })

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  switch (url.pathname) {
    case ROUTES.page:
      return event.respondWith(new Response(PAGE_HTML, { headers: { 'content-type': 'text/html; charset=utf-8' } }))
    case ROUTES.json:
      return event.respondWith(new Response(JSON.stringify(payload(Number(url.searchParams.get('i')))), { headers: { 'content-type': 'application/json' } }))
    case ROUTES.fileCache:
      return event.respondWith(caches.match(CACHE_PATH, { cacheName: CACHE_NAME }).then((response) => response ?? notFound()))
    case ROUTES.fileIdb:
      return event.respondWith(
        get<Blob>(IDB_KEY).then((blob) => (blob ? new Response(blob, { headers: { 'content-type': blob.type, 'content-length': String(blob.size) } }) : notFound())),
      )
    case ROUTES.stream:
      return event.respondWith(new Response(handMadeStream(), { headers: { 'content-type': 'application/octet-stream' } }))
  }
})
takeOver()
