/** Conditional requests (RFC 9110 §13): which answer the validators of a representation call for. */
import type { MutableHeaders } from '../datastructures.js'

/** RFC 9110 §13.2.2 steps 1-4: 412 or 304 when a precondition decides the answer, else null. */
export function evaluatePreconditions(request: MutableHeaders, headers: MutableHeaders, method: string): 304 | 412 | null {
  const etag = headers.get('etag')
  const lastModified = parseHttpDate(headers.get('last-modified'))
  const ifMatch = listHeader(request, 'if-match')
  if (ifMatch !== null) {
    if (!matchesEtag(ifMatch, etag, strongMatch)) return 412
  } else {
    const since = parseHttpDate(request.get('if-unmodified-since'))
    if (since !== null && lastModified !== null && lastModified > since) return 412
  }
  const safe = method === 'GET' || method === 'HEAD'
  const ifNoneMatch = listHeader(request, 'if-none-match')
  if (ifNoneMatch !== null) {
    if (matchesEtag(ifNoneMatch, etag, weakMatch)) return safe ? 304 : 412
  } else if (safe) {
    const since = parseHttpDate(request.get('if-modified-since'))
    if (since !== null && lastModified !== null && lastModified <= since) return 304
  }
  return null
}

/** `If-Range` (§13.1.5): a strong ETag or the exact Last-Modified date; anything else sends the whole file. */
export function ifRangeHolds(ifRange: string | null, headers: MutableHeaders): boolean {
  if (ifRange === null) return true
  const value = ifRange.trim()
  if (value.startsWith('"') || value.startsWith('W/')) return strongMatch(value, headers.get('etag'))
  const date = parseHttpDate(value)
  return date !== null && date === parseHttpDate(headers.get('last-modified'))
}

/** A list header's values joined, since a client may split the list over several lines. */
function listHeader(request: MutableHeaders, name: string): string | null {
  const values = request.getAll(name)
  return values.length === 0 ? null : values.join(',')
}

/** Whether an `If-Match`/`If-None-Match` list names the current ETag (`*`: any current representation). */
function matchesEtag(list: string, etag: string | null, compare: (a: string, b: string | null) => boolean): boolean {
  if (list.trim() === '*') return true
  return (list.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => compare(tag, etag))
}

/** Strong comparison (§8.8.3.2): both strong and identical. */
function strongMatch(tag: string, etag: string | null): boolean {
  return etag !== null && !tag.startsWith('W/') && !etag.startsWith('W/') && tag === etag
}

/** Weak comparison: the opaque tags are identical, weak or not. */
function weakMatch(tag: string, etag: string | null): boolean {
  return etag !== null && tag.replace(/^W\//, '') === etag.replace(/^W\//, '')
}

/** An HTTP-date in whole seconds, or null; asctime dates carry no zone, and HTTP means GMT. */
function parseHttpDate(value: string | null): number | null {
  if (value === null || !/\d\d:\d\d:\d\d/.test(value)) return null
  const ms = Date.parse(/\bGMT\s*$/i.test(value) ? value : `${value} GMT`)
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000)
}
