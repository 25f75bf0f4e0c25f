/** A broken ASGI exchange (wrong message order, no response): safe to name in the 500 body. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

const escapeHTML = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** `String(value)`, or a fallback for values that refuse it (a null-prototype object, say). */
export function show(value: unknown): string {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

function details(error: unknown): { error: string; message: string; stack: string } {
  if (error instanceof Error) return { error: error.name, message: error.message, stack: error.stack ?? show(error) }
  return { error: typeof error, message: show(error), stack: show(error) }
}

function debugPage({ error, message, stack }: ReturnType<typeof details>): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>500 ${escapeHTML(error)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
pre{background:#f6f6f6;border-radius:6px;padding:1rem;overflow:auto}</style></head>
<body><h1>500 Server Error</h1><h2>${escapeHTML(error)}: ${escapeHTML(message)}</h2>
<p>Raised by the ASGI app in the service worker (swasgi debug mode).</p>
<pre>${escapeHTML(stack)}</pre></body></html>
`
}

/**
 * The 500 response for an app that failed before starting its response: a bare
 * "Internal Server Error", or in debug mode the error and its stack (HTML for pages, JSON otherwise).
 */
export function errorResponse(error: unknown, request: Request, debug: boolean): Response {
  const status = 500
  let text = 'Internal Server Error'
  try {
    if (debug) {
      const info = details(error)
      const wantsHTML = request.mode === 'navigate' || (request.headers.get('accept') ?? '').includes('text/html')
      if (wantsHTML) return new Response(debugPage(info), { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
      return Response.json(info, { status })
    }
    if (error instanceof ProtocolError) text = `Internal Server Error: ${error.message}`
  } catch {
    // An error that cannot be described (a getter or proxy trap throws): the bare 500.
  }
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}
