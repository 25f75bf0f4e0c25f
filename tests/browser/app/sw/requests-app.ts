// Routes under /api/requests/ that read request bodies and echo what arrived, for the cross-engine
// suite (tests/browser/engines): JSON, an urlencoded form navigation and a multipart file upload.
import { HTMLResponse, HTTPException, JSONResponse, PlainTextResponse, Request, Response } from '../../../../src/index.js'
import type { ASGIApp } from '../../../../src/types.js'

const hex = (digest: ArrayBuffer) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
const escapeHTML = (text: string) => text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)

export const requestsApp: ASGIApp = async (scope, receive, send) => {
  let response: ASGIApp
  try {
    response = await route(scope, receive)
  } catch (error) {
    // A malformed body says why (as an App would), so a failing test shows the reason.
    if (!(error instanceof HTTPException)) throw error
    response = new PlainTextResponse(error.detail, error.statusCode)
  }
  return response(scope, receive, send)
}

async function route(scope: Parameters<ASGIApp>[0], receive: Parameters<ASGIApp>[1]): Promise<ASGIApp> {
  const request = new Request(scope as ConstructorParameters<typeof Request>[0], receive)
  const contentType = request.headers.get('content-type')
  let response: ASGIApp
  switch (request.url.pathname) {
    case '/api/requests/json':
      response = new JSONResponse({ method: request.method, contentType, received: await request.json() })
      break
    case '/api/requests/form': {
      // A page, because a <form> submit is a navigation.
      const form = await request.form()
      const seen = { method: request.method, contentType, fields: [...form.entries()].map(([k, v]) => [k, String(v)]) }
      response = new HTMLResponse(`<!doctype html><title>form received</title><pre id="received">${escapeHTML(JSON.stringify(seen))}</pre>`)
      break
    }
    case '/api/requests/upload': {
      // The file's bytes come back as the body, its SHA-256 and the other fields as headers.
      const form = await request.form({ maxPartSize: 4 * 1024 * 1024 })
      const file = form.get('file')
      if (!(file instanceof File)) {
        response = new JSONResponse({ error: 'no file field', contentType }, 400)
        break
      }
      const bytes = new Uint8Array(await file.arrayBuffer())
      response = new Response(bytes, {
        mediaType: 'application/octet-stream',
        headers: {
          'x-sha256': hex(await crypto.subtle.digest('SHA-256', bytes)),
          'x-filename': encodeURIComponent(file.name),
          'x-file-type': file.type,
          'x-note': encodeURIComponent(String(form.get('note'))),
        },
      })
      break
    }
    default:
      response = new JSONResponse({ error: 'no such route' }, 404)
  }
  return response
}
