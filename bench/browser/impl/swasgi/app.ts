// swasgi's bench app: an App whose router is the size of a real one (50 routes), with the bench
// routes among them, as a user would write it with App/Route and Starlette-style responses.
import { App, FileResponse, HTMLResponse, JSONResponse, Route, StreamingResponse, type Request } from '../../../../src/index.js'
import { CACHE_NAME, CACHE_PATH, CHUNKS, IDB_KEY, PAGE_HTML, ROUTES, chunk, payload } from '../../shared/spec.js'

function* chunks() {
  for (let i = 0; i < CHUNKS; i++) yield chunk(i)
}

// Routes a real app has besides the ones the bench calls: the router has to get past them.
const RESOURCES = ['notes', 'tags', 'users', 'files', 'settings', 'drafts', 'comments', 'projects', 'teams']
const other = (request: Request) => new JSONResponse({ path: request.url.pathname, params: request.pathParams })
const filler = RESOURCES.flatMap((name) => [
  new Route(`/bench/api/${name}`, other),
  new Route(`/bench/api/${name}`, other, { methods: ['POST'] }),
  new Route(`/bench/api/${name}/{id:int}`, other),
  new Route(`/bench/api/${name}/{id:int}`, other, { methods: ['PUT', 'DELETE'] }),
  new Route(`/bench/api/${name}/{id:int}/history/{page:int}`, other),
])

export const app = new App({
  routes: [
    ...filler,
    new Route(ROUTES.page, () => new HTMLResponse(PAGE_HTML)),
    new Route(ROUTES.json, (request) => new JSONResponse(payload(Number(request.queryParams.get('i'))))),
    new Route(ROUTES.fileCache, () => new FileResponse(`cache://${CACHE_NAME}${CACHE_PATH}`)),
    new Route(ROUTES.fileIdb, () => new FileResponse(`idb://bench/${IDB_KEY}`)),
    new Route(ROUTES.stream, () => new StreamingResponse(chunks(), { mediaType: 'application/octet-stream' })),
  ],
})
