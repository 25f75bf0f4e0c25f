// One worker answering the same 1,000 x 1 KiB stream three ways, so that they share a process,
// an origin and a profile: a hand-made ReadableStream (bare), handle() with a StreamingResponse,
// and the same with the cookie jar that serve() wires in by default.
import { handle } from '../../../src/sw/handle.js'
import { CookieJar } from '../../../src/sw/cookie-jar.js'
import { StreamingResponse } from '../../../src/responses/streaming.js'
import type { ASGIApp } from '../../../src/types.js'
import { CHUNKS, chunk, handMadeStream } from '../shared/spec.js'
import { takeOver, worker } from '../shared/worker.js'

function* chunks() {
  for (let i = 0; i < CHUNKS; i++) yield chunk(i)
}

const app: ASGIApp = (scope, receive, send) => new StreamingResponse(chunks(), { mediaType: 'application/octet-stream' })(scope, receive, send)
const jar = new CookieJar()
const plain = handle(app)
const withJar = handle(app, {
  // The bench page is the worker's own: same-site.
  cookie: (request) => jar.cookieHeader(new URL(request.url), { sameSite: true, topLevel: false, method: request.method }),
  onSetCookie: (cookies, request) => jar.setCookies(cookies, new URL(request.url), { sameSite: true, topLevel: false, method: request.method }),
})

takeOver()
worker.addEventListener('fetch', (event) => {
  const { pathname } = new URL(event.request.url)
  if (pathname === '/bare') event.respondWith(new Response(handMadeStream(), { headers: { 'content-type': 'application/octet-stream' } }))
  else if (pathname === '/handle') event.respondWith(plain(event.request, event))
  else if (pathname === '/handle+jar') event.respondWith(withJar(event.request, event))
})
