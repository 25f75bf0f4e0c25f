/** Percent-encoding and URL splitting, shared by the adapter, requests, routing and responses. */

const utf8Encoder = /* @__PURE__ */ new TextEncoder()
const utf8Decoder = /* @__PURE__ */ new TextDecoder()

/** Percent-encodes like Python's `urllib.parse.quote(text, safe)`: UTF-8, upper-case hex. */
export function quote(text: string, safe: RegExp): string {
  let out = ''
  for (const char of text) {
    if (safe.test(char)) {
      out += char
      continue
    }
    for (const byte of utf8Encoder.encode(char)) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

// Characters a path keeps as they are; everything else (including `%`, `?` and `#`) is escaped,
// so a decoded ASGI path turns back into exactly one URL path.
const PATH_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/

/** Percent-encodes a decoded path (UTF-8) so that it reads back as the same path. */
export function quotePath(path: string): string {
  return quote(path, PATH_SAFE)
}

/**
 * Decodes %XX escapes as UTF-8, as Python's `urllib.parse.unquote` (and so uvicorn) decodes an ASGI
 * `path`: bytes that are not UTF-8 become U+FFFD; a `%` not followed by two hex digits stays as it is.
 */
export function unquotePath(path: string): string {
  if (!path.includes('%')) return path
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => utf8Decoder.decode(Uint8Array.from(run.slice(1).split('%'), (hex) => parseInt(hex, 16))))
}

/** The parts of an http(s) URL that a scope needs. */
export interface URLParts {
  https: boolean
  /** Host and port, as `URL.host`. */
  host: string
  /** Host without IPv6 brackets. */
  hostname: string
  /** The port, or '' for the scheme's default. */
  port: string
  /** Percent-encoded, as in the URL. */
  pathname: string
  /** The query without its "?". */
  query: string
}

const LEFT_BRACKET = 91 // '['

/**
 * Splits a serialized http(s) URL, such as `Request.url` (scheme and host lower-cased, default port
 * dropped, path and query percent-encoded), with plain string search, cheaper than `new URL`;
 * anything else (user info, other schemes) goes through `new URL`.
 */
export function splitURL(href: string): URLParts {
  const https = href.startsWith('https://')
  const start = https ? 8 : href.startsWith('http://') ? 7 : -1
  const slash = start < 0 ? -1 : href.indexOf('/', start)
  const host = slash < 0 ? '' : href.slice(start, slash)
  if (slash < 0 || host.includes('@')) {
    const url = new URL(href)
    const hostname = url.hostname
    return {
      https: url.protocol === 'https:',
      host: url.host,
      hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
      port: url.port,
      pathname: url.pathname,
      query: url.search.slice(1),
    }
  }
  let hash = href.indexOf('#', slash)
  if (hash < 0) hash = href.length
  const question = href.indexOf('?', slash)
  const hasQuery = question >= 0 && question < hash
  // The port follows the first ':' after the host, which may be an IPv6 address in brackets.
  const colon = host.indexOf(':', host.charCodeAt(0) === LEFT_BRACKET ? host.indexOf(']') : 0)
  const hasPort = colon >= 0
  const hostname = hasPort ? host.slice(0, colon) : host
  return {
    https,
    host,
    hostname: hostname.charCodeAt(0) === LEFT_BRACKET ? hostname.slice(1, -1) : hostname,
    port: hasPort ? host.slice(colon + 1) : '',
    pathname: href.slice(slash, hasQuery ? question : hash),
    query: hasQuery ? href.slice(question + 1, hash) : '',
  }
}
