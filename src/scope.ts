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

/** The HTTP scope of a `method` request for `url` (see `splitURL`); `path` is percent-decoded. */
export function urlScope(url: URLParts, method: string, fields: ScopeFields = {}): HTTPScope {
  return {
    type: 'http',
    asgi: { version: '3.0', spec_version: '2.4' },
    http_version: '1.1',
    method,
    scheme: url.https ? 'https' : 'http',
    path: unquotePath(url.pathname),
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
