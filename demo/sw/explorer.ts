/**
 * The explorer: builds any response class from a spec the page sends, runs it as an ASGI app while
 * recording the messages it sends, and keeps the recording for the page to show beside the Fetch
 * Response it received.
 */
import {
  FileResponse,
  HTMLResponse,
  HTTPException,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  Request,
  Response,
  Route,
  StreamingResponse,
  UJSONResponse,
  type ASGIApp,
  type HTTPScope,
  type Message,
  type Send,
} from '../../src/index.js'
import type { RecordedMessage } from '../types.js'
import { CSRF_FIELD, CSRF_HEADER, checkCSRF } from './csrf.js'
import { html, type SafeHTML } from './html.js'
import { ValidationError } from './validation.js'

export const RESPONSE_CLASSES = ['Response', 'HTMLResponse', 'PlainTextResponse', 'JSONResponse', 'UJSONResponse', 'RedirectResponse', 'StreamingResponse', 'FileResponse'] as const
type ResponseClass = (typeof RESPONSE_CLASSES)[number]

/** What the explorer form describes (all strings, as a form holds them). */
export interface Spec {
  responseClass: ResponseClass
  content: string
  statusCode?: string
  mediaType?: string
  /** `name: value` lines. */
  headers?: string
  cookieName?: string
  cookieValue?: string
  cookieHttpOnly?: boolean
  /** StreamingResponse: milliseconds between chunks (one chunk per line of content). */
  delay?: string
  /** FileResponse: the stored file's path; `content` is ignored. */
  path?: string
  filename?: string
  disposition?: string
}

const latin1 = (bytes: Uint8Array) => Array.from(bytes, (byte) => String.fromCharCode(byte)).join('')
const utf8 = new TextDecoder('utf-8', { fatal: true })

function preview(body: Uint8Array): { bytes: number; text: string | null } {
  try {
    const text = utf8.decode(body)
    return { bytes: body.byteLength, text: text.length > 2000 ? `${text.slice(0, 2000)}…` : text }
  } catch {
    return { bytes: body.byteLength, text: null }
  }
}

function record(message: Message, at: number): RecordedMessage {
  const out: RecordedMessage = { type: message.type, at }
  if (typeof message.status === 'number') out.status = message.status
  if (Array.isArray(message.headers)) out.headers = (message.headers as [Uint8Array, Uint8Array][]).map(([name, value]) => [latin1(name), latin1(value)])
  if (message.body instanceof Uint8Array) out.body = preview(message.body)
  if (typeof message.more_body === 'boolean') out.more_body = message.more_body
  return out
}

// The latest recordings, by run id; the worker's memory is enough for a page that asks right away.
const runs = new Map<string, RecordedMessage[]>()
const KEPT_RUNS = 20

/** A `send` that records every message before passing it on. */
function recordingSend(send: Send, log: RecordedMessage[]): Send {
  const started = performance.now()
  return async (message) => {
    log.push(record(message, Math.round((performance.now() - started) * 10) / 10))
    await send(message)
  }
}

function parseHeaders(lines: string | undefined): [string, string][] {
  const headers: [string, string][] = []
  for (const line of (lines ?? '').split('\n')) {
    if (!line.trim()) continue
    const colon = line.indexOf(':')
    if (colon < 1) throw new ValidationError(`A header line must read "name: value", got "${line.trim()}"`, 'headers')
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  }
  return headers
}

function parseJSON(content: string): unknown {
  try {
    return JSON.parse(content)
  } catch (error) {
    throw new ValidationError(`The content must be JSON for this class: ${(error as Error).message}`, 'content')
  }
}

/** The chunks of a StreamingResponse: each line of `content`, `delay` ms apart. */
async function* chunks(content: string, delay: number): AsyncGenerator<string> {
  const lines = content.split(/(?<=\n)/)
  for (const [i, line] of lines.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    yield line
  }
}

/** The response a spec describes, built exactly as user code would build it. */
export function buildResponse(spec: Spec): Response {
  const statusCode = spec.statusCode ? Number(spec.statusCode) : undefined
  if (statusCode !== undefined && (!Number.isInteger(statusCode) || statusCode < 200 || statusCode > 599)) {
    throw new ValidationError('The status code must be a whole number from 200 to 599', 'statusCode')
  }
  const init = { statusCode, headers: parseHeaders(spec.headers), ...(spec.mediaType ? { mediaType: spec.mediaType } : {}) }
  let response: Response
  switch (spec.responseClass) {
    case 'Response':
      response = new Response(spec.content, init)
      break
    case 'HTMLResponse':
      response = new HTMLResponse(spec.content, init)
      break
    case 'PlainTextResponse':
      response = new PlainTextResponse(spec.content, init)
      break
    case 'JSONResponse':
      response = new JSONResponse(parseJSON(spec.content), init)
      break
    case 'UJSONResponse':
      response = new UJSONResponse(parseJSON(spec.content), init)
      break
    case 'RedirectResponse':
      response = new RedirectResponse(spec.content.trim() || '/', init)
      break
    case 'StreamingResponse':
      response = new StreamingResponse(chunks(spec.content, Math.min(Number(spec.delay) || 0, 5000)), init)
      break
    case 'FileResponse':
      if (!spec.path) throw new ValidationError('Choose the path of a stored file', 'path')
      response = new FileResponse(spec.path, { ...init, filename: spec.filename || undefined, contentDispositionType: spec.disposition || undefined })
      break
    default:
      throw new ValidationError(`Unknown response class "${String(spec.responseClass)}"`, 'responseClass')
  }
  if (spec.cookieName) response.setCookie(spec.cookieName, spec.cookieValue ?? '', { httpOnly: spec.cookieHttpOnly ?? false })
  return response
}

function specOf(request: Request): Spec {
  const raw = request.queryParams.get('spec')
  if (!raw) throw new ValidationError('Missing ?spec=<JSON>', 'spec')
  const spec = parseJSON(raw) as Spec
  if (typeof spec !== 'object' || spec === null || typeof spec.content !== 'string') throw new ValidationError('The spec must be an object with a "content" string', 'spec')
  return spec
}

/**
 * What a spec does beyond showing a response, which only the explorer itself may ask for: any site
 * can link to a spec (a GET navigation the worker answers), and must not set the app's cookies
 * (a session or CSRF token it knows), headers (`set-cookie`, `clear-site-data`, `refresh`, a
 * `location`) or send the visitor to another origin through the app. Null when it does none.
 */
function beyondShowing(spec: Spec, request: Request): string | null {
  if (spec.cookieName) return 'set a cookie'
  if (parseHeaders(spec.headers).length) return 'set headers'
  if (spec.responseClass === 'RedirectResponse' && new URL(spec.content.trim() || '/', request.url.href).origin !== request.url.origin) return 'redirect to another origin'
  return null
}

/** The CSRF token the explorer sent: its fetch's header, or the field of its POST form ("Open in a new tab"). */
async function sentToken(request: Request): Promise<unknown> {
  const header = request.headers.get(CSRF_HEADER)
  if (header !== null || request.method !== 'POST') return header
  return (await request.form()).get(CSRF_FIELD)
}

/**
 * A raw ASGI endpoint (not a request → response function), because it wraps `send`: it records
 * what the built response sends, under the page's `?run=` id.
 */
const runExplorer: ASGIApp = async (scope, receive, send) => {
  const request = new Request(scope as HTTPScope, receive)
  const spec = specOf(request)
  const beyond = beyondShowing(spec, request)
  if (beyond !== null) {
    try {
      checkCSRF(request, await sentToken(request))
    } catch {
      throw new HTTPException(403, `A link can only show a response: to ${beyond}, send the spec from the explorer (this request did not carry its CSRF token)`)
    }
  }
  const response = buildResponse(spec)
  // Any site can link to a spec, HTML and scripts included: opened as a page, it is sandboxed
  // (no scripts, an origin of its own), never a page of the app's origin.
  response.headers.set('content-security-policy', 'sandbox')
  const log: RecordedMessage[] = []
  const run = request.queryParams.get('run')
  if (run) {
    runs.set(run, log)
    for (const old of [...runs.keys()].slice(0, Math.max(0, runs.size - KEPT_RUNS))) runs.delete(old)
  }
  await response(scope, receive, recordingSend(send, log))
}

async function explorer_run_log(request: Request) {
  const log = runs.get(String(request.pathParams.run))
  if (!log) throw new HTTPException(404, 'No such run (the worker may have restarted): send the request again')
  return new JSONResponse({ messages: log })
}

export const explorerRoutes = [
  new Route('/explorer/run', { asgi: runExplorer }, { methods: ['GET', 'POST'], name: 'explorer_run' }),
  new Route('/api/explorer/runs/{run}', explorer_run_log),
]

const EXAMPLE = '{"message": "Hello from the worker", "path": "/notes/1"}'

/** The explorer page: a form on the left, the two views of the answer on the right. */
export function explorerPage(): SafeHTML {
  return html`<section class="page-head"><div><h1>Explorer</h1><p class="muted">Pick a response class and its arguments. The worker builds it and runs it as an ASGI app; on the left what it sent, on the right what <code>fetch()</code> received.</p></div></section>
<div class="explorer">
  <form class="card form explorer-form" data-explorer novalidate>
    <label for="ex-class">Response class</label>
    <select id="ex-class" name="responseClass">${RESPONSE_CLASSES.map((name) => html`<option${name === 'JSONResponse' ? html` selected` : ''}>${name}</option>`)}</select>
    <label for="ex-content" data-content-label>Content</label>
    <textarea id="ex-content" name="content" rows="5" spellcheck="false">${EXAMPLE}</textarea>
    <div class="field-row">
      <div><label for="ex-status">Status code</label><input id="ex-status" name="statusCode" inputmode="numeric" placeholder="default"></div>
      <div><label for="ex-media">Media type</label><input id="ex-media" name="mediaType" placeholder="default"></div>
    </div>
    <label for="ex-headers">Headers <span class="muted">(one <code>name: value</code> per line)</span></label>
    <textarea id="ex-headers" name="headers" rows="2" spellcheck="false" placeholder="x-powered-by: swasgi"></textarea>
    <div class="only" data-only="StreamingResponse"><label for="ex-delay">Delay between chunks (ms; one chunk per line)</label><input id="ex-delay" name="delay" value="300" inputmode="numeric"></div>
    <div class="only" data-only="FileResponse">
      <label for="ex-path">Stored file</label>
      <input id="ex-path" name="path" list="ex-files" placeholder="cache://notes-assets/favicon.svg" spellcheck="false">
      <datalist id="ex-files" data-files></datalist>
      <div class="field-row">
        <div><label for="ex-filename">Filename</label><input id="ex-filename" name="filename" placeholder="none"></div>
        <div><label for="ex-disposition">Disposition</label><select id="ex-disposition" name="disposition"><option>attachment</option><option>inline</option></select></div>
      </div>
      <label for="ex-range">Request <code>Range</code> header <span class="muted">(sent by the page)</span></label>
      <input id="ex-range" name="range" placeholder="bytes=0-99">
    </div>
    <fieldset class="cookie-fields">
      <legend>Set a cookie <span class="muted">(optional)</span></legend>
      <div class="field-row">
        <div><label for="ex-cookie-name">Name</label><input id="ex-cookie-name" name="cookieName" placeholder="flavour"></div>
        <div><label for="ex-cookie-value">Value</label><input id="ex-cookie-value" name="cookieValue" placeholder="oatmeal"></div>
      </div>
      <label class="check"><input type="checkbox" name="cookieHttpOnly"> HttpOnly</label>
    </fieldset>
    <div class="form-actions"><button class="button primary" type="submit">Send</button><a class="button ghost" data-open-link href="#" target="_blank">Open in a new tab</a></div>
    <pre class="code" data-code aria-label="The equivalent code"></pre>
  </form>
  <section class="card pane" aria-labelledby="asgi-title">
    <h2 id="asgi-title">ASGI messages <span class="muted">(what the app sent)</span></h2>
    <div data-asgi class="messages"><p class="muted">Press Send.</p></div>
  </section>
  <section class="card pane" aria-labelledby="fetch-title">
    <h2 id="fetch-title">Fetch <code>Response</code> <span class="muted">(what the page got)</span></h2>
    <div data-fetch class="messages"><p class="muted">Press Send.</p></div>
  </section>
</div>`
}
