// Hono in a worker through hono/service-worker's handle(); the stream through hono/streaming.
import { Hono } from 'hono'
import { handle } from 'hono/service-worker'
import { stream } from 'hono/streaming'
import { get } from 'idb-keyval'
import { CACHE_NAME, CACHE_PATH, CHUNKS, IDB_KEY, PAGE_HTML, ROUTES, chunk, payload } from '../../shared/spec.js'
import { takeOver, worker } from '../../shared/worker.js'

const app = new Hono()
app.get(ROUTES.page, (c) => c.html(PAGE_HTML))
app.get(ROUTES.json, (c) => c.json(payload(Number(c.req.query('i')))))
app.get(ROUTES.fileCache, async (c) => (await caches.match(CACHE_PATH, { cacheName: CACHE_NAME })) ?? c.notFound())
app.get(ROUTES.fileIdb, async (c) => {
  const blob = await get<Blob>(IDB_KEY)
  return blob ? new Response(blob, { headers: { 'content-type': blob.type, 'content-length': String(blob.size) } }) : c.notFound()
})
app.get(ROUTES.stream, (c) => {
  c.header('content-type', 'application/octet-stream')
  return stream(c, async (s) => {
    for (let i = 0; i < CHUNKS; i++) await s.write(chunk(i))
  })
})

const handler = handle(app)
worker.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname.startsWith('/bench/')) handler(event)
})
takeOver()
