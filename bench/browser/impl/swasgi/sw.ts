// swasgi: one ASGI app behind serve(), Starlette-style responses.
import { serve } from '../../../../src/sw/index.js'
import { FileResponse, JSONResponse, PlainTextResponse, StreamingResponse, type ASGIApp, type HTTPScope } from '../../../../src/index.js'
import { CACHE_NAME, CACHE_PATH, CHUNKS, IDB_KEY, ROUTES, chunk, payload } from '../../shared/spec.js'

const latin1 = (bytes: Uint8Array) => String.fromCharCode.apply(null, bytes as unknown as number[])

function* chunks() {
  for (let i = 0; i < CHUNKS; i++) yield chunk(i)
}

const app: ASGIApp = async (scope, receive, send) => {
  const { path, query_string } = scope as HTTPScope
  let response: ASGIApp
  switch (path) {
    case ROUTES.json:
      response = new JSONResponse(payload(Number(new URLSearchParams(latin1(query_string)).get('i'))))
      break
    case ROUTES.fileCache:
      response = new FileResponse(`cache://${CACHE_NAME}${CACHE_PATH}`)
      break
    case ROUTES.fileIdb:
      response = new FileResponse(`idb://bench/${IDB_KEY}`)
      break
    case ROUTES.stream:
      response = new StreamingResponse(chunks(), { mediaType: 'application/octet-stream' })
      break
    default:
      response = new PlainTextResponse('Not Found', 404)
  }
  await response(scope, receive, send)
}

serve(app, { match: '/bench/' })
