/**
 * Which recorded entry answers a request. The rules (docs/har.md):
 * 1. Candidates are the entries with the request's method and URL. URLs are compared without the
 *    fragment and with the query parameters sorted (so their order does not matter); with
 *    `matchOrigin: false`, without the origin. A HEAD request with no HEAD entry uses the GET ones.
 * 2. Several candidates: the first (in recording order) whose request body equals the request's
 *    (a multipart body's boundary is ignored); when none does, the first candidate.
 */
import { decodeBase64, decodeLatin1, encodeUTF8, sameBytes } from '../bytes.js'
import type { Har, HarContent, HarEntry, HarPair } from './types.js'

/** The key an entry is filed under: method, then the URL normalized as the rules say. */
export function requestKey(method: string, url: string | URL, matchOrigin: boolean): string {
  const parsed = typeof url === 'string' ? new URL(url) : url
  const params = [...parsed.searchParams].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
  const query = params.length ? `?${new URLSearchParams(params)}` : ''
  return `${method.toUpperCase()} ${matchOrigin ? parsed.origin : ''}${parsed.pathname}${query}`
}

/** The entries of a HAR filed by request key; holds the HAR's own entry objects, never copies. */
export class HarIndex {
  private readonly entries = new Map<string, HarEntry[]>()

  constructor(
    har: Har,
    private readonly matchOrigin: boolean,
  ) {
    const entries = (har as Partial<Har> | null)?.log?.entries
    if (!Array.isArray(entries)) throw new TypeError('A HAR must be an object with log.entries, a list of recorded requests')
    entries.forEach((entry, i) => {
      const url = entry?.request?.url
      const method = entry?.request?.method
      if (typeof method !== 'string' || typeof url !== 'string' || !URL.canParse(url)) {
        throw new TypeError(`HAR entry ${i} has no valid request method and URL (${JSON.stringify(method)} ${JSON.stringify(url)})`)
      }
      checkEntry(entry, `HAR entry ${i} (${method} ${url})`)
      const key = requestKey(method, url, matchOrigin)
      const list = this.entries.get(key)
      if (list) list.push(entry)
      else this.entries.set(key, [entry])
    })
  }

  /** The candidates for a request (rule 1), in recording order; empty when none. */
  candidates(method: string, url: string | URL): HarEntry[] {
    const found = this.entries.get(requestKey(method, url, this.matchOrigin))
    if (found || method.toUpperCase() !== 'HEAD') return found ?? []
    return this.entries.get(requestKey('GET', url, this.matchOrigin)) ?? []
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Checks the parts of an entry the replay reads, so that a malformed HAR fails when it is indexed,
 * naming the entry and the field, rather than on every request that matches it. A missing or odd
 * `status` is valid: the recording of a failed request, replayed as a network error.
 */
function checkEntry(entry: HarEntry, what: string): void {
  const fail = (field: string, must: string) => {
    throw new TypeError(`${what}: "${field}" must be ${must}`)
  }
  const pairsIn = (list: unknown, field: string) => {
    if (list === undefined) return
    if (!Array.isArray(list) || !list.every((pair) => isObject(pair) && typeof pair.name === 'string' && typeof pair.value === 'string')) fail(field, 'a list of {name, value} strings')
  }
  const contentIn = (content: unknown, field: string) => {
    if (content === undefined) return
    if (!isObject(content)) fail(field, 'an object')
    const { _file } = content as Record<string, unknown>
    if (_file !== undefined && typeof _file !== 'string') fail(`${field}._file`, 'a string')
  }
  const { request, response } = entry as unknown as Record<string, Record<string, unknown>>
  pairsIn(request.headers, 'request.headers')
  contentIn(request.postData, 'request.postData')
  if (!isObject(response)) fail('response', 'an object')
  pairsIn(response.headers, 'response.headers')
  const cookies = response.cookies
  if (cookies !== undefined && (!Array.isArray(cookies) || !cookies.every((cookie) => isObject(cookie) && typeof cookie.name === 'string' && typeof cookie.value === 'string'))) {
    fail('response.cookies', 'a list of cookies with a name and a value')
  }
  contentIn(response.content, 'response.content')
}

/** Whether any candidate's choice depends on the request body (rule 2), so that it must be read. */
export function needsBody(candidates: HarEntry[]): boolean {
  return candidates.length > 1 && candidates.some((entry) => entry.request.postData?.text !== undefined)
}

/** The candidate that answers a request with `body` and `contentType` (rule 2). */
export function choose(candidates: HarEntry[], body: Uint8Array | null, contentType: string | null): HarEntry {
  if (candidates.length > 1 && body) {
    const boundary = multipartBoundary(contentType)
    const sent = boundary ? withoutBoundary(body, boundary) : null
    for (const entry of candidates) {
      const recorded = postBody(entry.request.postData)
      if (!recorded) continue
      if (sameBytes(recorded, body)) return entry
      const recordedBoundary = sent && multipartBoundary(recordedContentType(entry))
      if (recordedBoundary && withoutBoundary(recorded, recordedBoundary) === sent) return entry
    }
  }
  return candidates[0]
}

/** The bytes of a recorded body held in the HAR itself, or null when it is in a file or absent. */
export function inlineBody(content: HarContent | undefined, what: string): Uint8Array | null {
  if (content?.text === undefined || content.text === null) return null
  if (typeof content.text !== 'string') throw new TypeError(`${what}: "text" must be a string`)
  return content.encoding === 'base64' ? decodeBase64(content.text, what) : encodeUTF8(content.text)
}

function postBody(postData: HarContent | undefined): Uint8Array | null {
  // In a file loadHar() did not inline: unknown, so it matches nothing.
  if (postData?._file !== undefined) return null
  try {
    return inlineBody(postData, 'a recorded request body')
  } catch {
    return null // an unreadable recorded body matches nothing
  }
}

function recordedContentType(entry: HarEntry): string | null {
  const header = entry.request.headers?.find((pair: HarPair) => pair.name.toLowerCase() === 'content-type')
  return header?.value ?? entry.request.postData?.mimeType ?? null
}

function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match ? (match[1] ?? match[2]) : null
}

function withoutBoundary(body: Uint8Array, boundary: string): string {
  return decodeLatin1(body).replaceAll(boundary, '')
}
