// MSW: the handlers run in the page; its worker (mockServiceWorker.js) forwards each request to them.
import { http, HttpResponse } from 'msw'
import { setupWorker } from 'msw/browser'
import { get } from 'idb-keyval'
import { CACHE_NAME, CACHE_PATH, CHUNKS, IDB_KEY, PAGE_HTML, ROUTES, chunk, payload } from '../../shared/spec.js'

const notFound = () => new HttpResponse('Not Found', { status: 404 })

export const worker = setupWorker(
  http.get(ROUTES.page, () => HttpResponse.html(PAGE_HTML)),
  http.get(ROUTES.json, ({ request }) => HttpResponse.json(payload(Number(new URL(request.url).searchParams.get('i'))))),
  http.get(ROUTES.fileCache, async () => (await caches.match(CACHE_PATH, { cacheName: CACHE_NAME })) ?? notFound()),
  http.get(ROUTES.fileIdb, async () => {
    const blob = await get<Blob>(IDB_KEY)
    return blob ? new HttpResponse(blob, { headers: { 'content-type': blob.type, 'content-length': String(blob.size) } }) : notFound()
  }),
  http.get(ROUTES.stream, () => {
    let i = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(chunk(i++))
        if (i === CHUNKS) controller.close()
      },
    })
    return new HttpResponse(body, { headers: { 'content-type': 'application/octet-stream' } })
  }),
)

export async function startMocks(): Promise<void> {
  await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, quiet: true, onUnhandledFrame: 'bypass' })
}
