/** The explorer page: sends a response spec to the worker and shows both sides of the answer. */
import type { RecordedMessage } from '../types.js'
import { request } from './api.js'
import { $, el, formatBytes } from './dom.js'

/** A sensible first content for each class, used when the visitor has not typed their own. */
const EXAMPLES: Record<string, string> = {
  Response: 'Raw bytes, with whatever media type you give.',
  HTMLResponse: '<h1>Hello</h1>\n<p>Rendered by the worker.</p>',
  PlainTextResponse: 'Hello, world!',
  JSONResponse: '{"message": "Hello from the worker", "path": "/notes/1"}',
  UJSONResponse: '{"message": "Hello from the worker", "path": "/notes/1"}',
  RedirectResponse: '/explorer?from=redirect',
  StreamingResponse: 'first chunk\nsecond chunk\nthird chunk\n',
  FileResponse: '',
}

const LABELS: Record<string, string> = { RedirectResponse: 'URL', StreamingResponse: 'Content (one chunk per line)', FileResponse: 'Content (unused: the file is the body)' }

/** The CSRF token the worker rendered into the page. */
const csrfToken = () => document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? ''

/**
 * Whether the worker wants the page's token for this spec (see its `beyondShowing`): then "Open in
 * a new tab" posts a form with it instead of following the link, which any site could write.
 */
const needsToken = (spec: Record<string, unknown>) => Boolean(spec.cookieName) || String(spec.headers ?? '').trim() !== '' || spec.responseClass === 'RedirectResponse'

/** Opens `url` in a new tab as a POST of a form that carries the page's CSRF token. */
function openWithToken(url: string): void {
  const form = el('form', { method: 'post', action: url, target: '_blank', hidden: '' }, el('input', { type: 'hidden', name: 'csrf_token', value: csrfToken() }))
  document.body.append(form)
  form.submit()
  form.remove()
}

/** The spec the worker's `/explorer/run` reads: the form's fields, as strings. */
function specOf(form: HTMLFormElement): Record<string, unknown> {
  const data = new FormData(form)
  const spec: Record<string, unknown> = {}
  for (const [name, value] of data) if (name !== 'range' && value !== '') spec[name] = value
  spec.content = String(data.get('content') ?? '')
  spec.cookieHttpOnly = data.has('cookieHttpOnly')
  return spec
}

const quoteJS = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`

/** The TypeScript that builds the same response, to copy into an app. */
function code(spec: Record<string, unknown>): string {
  const name = String(spec.responseClass)
  const options: string[] = []
  if (spec.statusCode) options.push(`statusCode: ${Number(spec.statusCode)}`)
  if (spec.mediaType) options.push(`mediaType: ${quoteJS(String(spec.mediaType))}`)
  const headers = String(spec.headers ?? '')
    .split('\n')
    .filter((line) => line.includes(':'))
    .map((line) => `${quoteJS(line.slice(0, line.indexOf(':')).trim())}: ${quoteJS(line.slice(line.indexOf(':') + 1).trim())}`)
  if (headers.length) options.push(`headers: { ${headers.join(', ')} }`)
  if (name === 'FileResponse') {
    if (spec.filename) options.push(`filename: ${quoteJS(String(spec.filename))}`)
    options.push(`contentDispositionType: ${quoteJS(String(spec.disposition ?? 'attachment'))}`)
  }
  const content = String(spec.content)
  let first: string
  if (name === 'JSONResponse' || name === 'UJSONResponse') first = content.trim() || 'null'
  else if (name === 'StreamingResponse') first = 'chunks() /* an async generator yielding each line */'
  else if (name === 'FileResponse') first = quoteJS(String(spec.path ?? ''))
  else first = quoteJS(content)
  const init = options.length ? `, { ${options.join(', ')} }` : ''
  const lines = [`const response = new ${name}(${first}${init})`]
  if (spec.cookieName) lines.push(`response.setCookie(${quoteJS(String(spec.cookieName))}, ${quoteJS(String(spec.cookieValue ?? ''))}${spec.cookieHttpOnly ? ', { httpOnly: true }' : ''})`)
  lines.push('await response(scope, receive, send)')
  return lines.join('\n')
}

function headerTable(headers: Iterable<[string, string]>): HTMLElement {
  const rows = [...headers].map(([name, value]) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, value)))
  return el('table', { class: 'headers' }, el('tbody', {}, ...(rows.length ? rows : [el('tr', {}, el('td', { class: 'muted' }, 'no headers'))])))
}

function bodyView(text: string | null, bytes: number, mediaType = ''): HTMLElement {
  if (text === null) return el('p', { class: 'muted' }, `${formatBytes(bytes)} of binary data${mediaType ? ` (${mediaType})` : ''}`)
  if (!text) return el('p', { class: 'muted' }, 'empty body')
  return el('pre', { class: 'code body' }, text)
}

function messageView(message: RecordedMessage): HTMLElement {
  const head = el('div', { class: 'message-head' }, el('code', { class: 'message-type' }, message.type), el('span', { class: 'muted' }, `+${message.at} ms`))
  const parts: HTMLElement[] = [head]
  if (message.status !== undefined) parts.push(el('p', {}, 'status: ', el('strong', {}, String(message.status))))
  if (message.headers) parts.push(headerTable(message.headers))
  if (message.body) {
    parts.push(el('p', { class: 'muted' }, `body: ${formatBytes(message.body.bytes)} · more_body: ${message.more_body ?? 'not sent (false)'}`))
    if (message.body.bytes) parts.push(bodyView(message.body.text, message.body.bytes))
  }
  return el('article', { class: 'message' }, ...parts)
}

function decodeText(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}

/** Reads the body as it arrives, listing each chunk with its arrival time. */
async function readBody(response: Response, started: number, target: HTMLElement): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  const arrivals = el('ol', { class: 'arrivals' })
  target.append(el('p', { class: 'muted' }, 'chunks as they arrived:'), arrivals)
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks.push(next.value)
    arrivals.append(el('li', {}, `${formatBytes(next.value.byteLength)} at +${Math.round(performance.now() - started)} ms`))
  }
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0))
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return all
}

async function run(form: HTMLFormElement): Promise<void> {
  const asgi = $('[data-asgi]')
  const fetched = $('[data-fetch]')
  const spec = specOf(form)
  const id = crypto.randomUUID()
  const url = `/explorer/run?spec=${encodeURIComponent(JSON.stringify(spec))}&run=${id}`
  const range = String(new FormData(form).get('range') ?? '')
  asgi.replaceChildren(el('p', { class: 'muted loading' }, 'Waiting for the app…'))
  fetched.replaceChildren(el('p', { class: 'muted loading' }, 'Fetching…'))
  const started = performance.now()
  try {
    // `manual`, so that a RedirectResponse is shown rather than followed.
    // The page's CSRF token: a spec that sets cookies or headers, or redirects off the app, needs it.
    const headers: Record<string, string> = { 'x-csrf-token': csrfToken() }
    if (spec.responseClass === 'FileResponse' && range) headers.range = range
    const response = await request(url, { redirect: 'manual', headers })
    const head = (title: string) => el('div', { class: 'message-head' }, el('code', { class: 'message-type' }, title), el('span', { class: 'muted' }, `+${Math.round(performance.now() - started)} ms`))
    const facts = el('dl', { class: 'facts' }, el('dt', {}, 'status'), el('dd', {}, el('strong', {}, String(response.status)), ` ${response.statusText}`), el('dt', {}, 'type'), el('dd', {}, response.type), el('dt', {}, 'ok'), el('dd', {}, String(response.ok)))
    const bodyPart = el('article', { class: 'message' })
    fetched.replaceChildren(el('article', { class: 'message' }, head('Response'), facts, headerTable(response.headers)), bodyPart)
    if (response.type === 'opaqueredirect') {
      fetched.append(el('p', { class: 'hint' }, 'fetch() with redirect: "manual" hides a redirect from the page (status 0, no headers): compare with the ASGI messages. A navigation would follow it.'))
    }
    const body = await readBody(response, started, bodyPart)
    bodyPart.prepend(head('body'))
    bodyPart.append(bodyView(decodeText(body), body.byteLength, response.headers.get('content-type') ?? ''))
    if ((response.headers.get('content-type') ?? '').startsWith('image/') && body.byteLength) {
      bodyPart.append(el('img', { class: 'body-image', src: URL.createObjectURL(new Blob([body as BlobPart], { type: response.headers.get('content-type')! })), alt: 'the body as an image' }))
    }
    const log = await request(`/api/explorer/runs/${id}`)
    if (!log.ok) {
      asgi.replaceChildren(el('p', { class: 'hint' }, 'The endpoint raised before it sent anything, so the App\'s exception handler answered instead: see its JSON on the right.'))
      return
    }
    const { messages } = (await log.json()) as { messages: RecordedMessage[] }
    asgi.replaceChildren(...messages.map(messageView))
    if (spec.cookieName) {
      asgi.append(el('p', { class: 'hint' }, 'set-cookie went to the worker\'s cookie jar: the page never sees it among the Fetch headers.'))
    }
  } catch (error) {
    fetched.replaceChildren(el('p', { class: 'form-error' }, (error as Error).message))
    asgi.replaceChildren()
  }
}

/** Wires up the explorer form. */
export function explorerPage(): void {
  const form = $<HTMLFormElement>('[data-explorer]')
  const select = $<HTMLSelectElement>('[name=responseClass]', form)
  const content = $<HTMLTextAreaElement>('[name=content]', form)
  const openLink = $<HTMLAnchorElement>('[data-open-link]', form)
  const update = () => {
    const spec = specOf(form)
    $('[data-code]', form).textContent = code(spec)
    openLink.href = `/explorer/run?spec=${encodeURIComponent(JSON.stringify(spec))}`
  }
  select.addEventListener('change', () => {
    for (const part of form.querySelectorAll<HTMLElement>('[data-only]')) part.hidden = part.dataset.only !== select.value
    if (Object.values(EXAMPLES).includes(content.value)) content.value = EXAMPLES[select.value]
    $('[data-content-label]', form).textContent = LABELS[select.value] ?? 'Content'
    update()
  })
  openLink.addEventListener('click', (event) => {
    const spec = specOf(form)
    if (!needsToken(spec)) return
    event.preventDefault()
    openWithToken(openLink.href)
  })
  form.addEventListener('input', update)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void run(form)
  })
  select.dispatchEvent(new Event('change'))
  void request('/api/files')
    .then((response) => response.json() as Promise<{ files: string[] }>)
    .then(({ files }) => $('[data-files]').replaceChildren(...files.map((path) => el('option', { value: path }))))
    .catch(() => {})
}
