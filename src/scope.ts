/** The HTTP scope: built from a URL (the one place its literal is written), and its URL back. */
import type { HTTPScope } from './types.js'
import { encodeLatin1 } from './bytes.js'
import { MutableHeaders, type RawHeaders } from './datastructures.js'
import { quotePath, unquotePath, type URLParts } from './urls.js'

/** What a scope holds besides its URL and method. */
export interface ScopeFields {
  rootPath?: string
  headers?: RawHeaders
  client?: [string, number] | null
  state?: Record<string, unknown>
  extensions?: Record<string, unknown>
}

// Shared: an empty query costs no allocation per request.
const EMPTY = new Uint8Array(0)

/**
 * A decoded path without its `.` and `..` segments (RFC 3986's remove_dot_segments). A URL cannot
 * hold them (`request.url` resolves them, as browsers do before they send a request), so the path
 * the router matches must not either: else `/admin/..%2fpublic` (or, from a client that sends it
 * as is, `/admin/../x`) would be routed under `/admin` while `request.url` says `/public`.
 */
function withoutDotSegments(path: string): string {
  if (!/(^|\/)\.\.?(\/|$)/.test(path)) return path
  const out: string[] = []
  const segments = path.split('/')
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1
    if (segment === '..') {
      if (out.length > 1) out.pop()
      if (last) out.push('')
    } else if (segment === '.') {
      if (last) out.push('')
    } else out.push(segment)
  }
  return out.join('/') || '/'
}

/** The HTTP scope of a `method` request for `url` (see `splitURL`); `path` is percent-decoded, dot segments resolved. */
export function urlScope(url: URLParts, method: string, fields: ScopeFields = {}): HTTPScope {
  return {
    type: 'http',
    asgi: { version: '3.0', spec_version: '2.4' },
    http_version: '1.1',
    method,
    scheme: url.https ? 'https' : 'http',
    path: withoutDotSegments(unquotePath(url.pathname)),
    raw_path: encodeLatin1(url.pathname),
    query_string: url.query ? encodeLatin1(url.query) : EMPTY,
    root_path: fields.rootPath ?? '',
    headers: fields.headers ?? [],
    client: fields.client ?? null,
    server: [url.hostname, url.port ? Number(url.port) : url.https ? 443 : 80],
    state: fields.state ?? {},
    extensions: fields.extensions ?? {},
  }
}

const utf8 = /* @__PURE__ */ new TextDecoder()

/** The URL of the request a scope describes: the host header, else `server`; `path` is the full path. */
export function scopeURL(scope: HTTPScope): URL {
  const host = MutableHeaders.fromScope(scope).get('host') ?? serverHost(scope)
  const query = scope.query_string.length > 0 ? '?' + utf8.decode(scope.query_string).replaceAll('#', '%23') : ''
  return new URL(`${scope.scheme}://${host}${quotePath(scope.path)}${query}`)
}

function serverHost(scope: HTTPScope): string {
  // A URL needs a host; a scope with neither a host header nor a server is unusual enough for a placeholder.
  if (scope.server === null) return 'localhost'
  const [name, port] = scope.server
  const host = name.includes(':') ? `[${name}]` : name
  return port === null || port === (scope.scheme === 'https' ? 443 : 80) ? host : `${host}:${port}`
}
