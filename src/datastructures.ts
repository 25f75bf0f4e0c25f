import { decodeLatin1, encodeLatin1, sameBytes } from './bytes.js'

/** Headers as ASGI carries them: an ordered list of lower-cased latin-1 byte pairs. */
export type RawHeaders = [Uint8Array, Uint8Array][]

/** Anything our APIs accept as headers. */
export type HeadersInit = Record<string, string> | Iterable<readonly [string, string]> | Headers

const FORBIDDEN_IN_VALUE = /[\r\n\0]/
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Encodes a header name: an HTTP token, lower-cased. */
export function encodeHeaderName(name: string): Uint8Array {
  if (!TOKEN.test(name)) throw new TypeError(`Invalid header name ${JSON.stringify(name)}: not an HTTP token`)
  return encodeLatin1(name.toLowerCase(), `Header name ${JSON.stringify(name)}`)
}

/** Encodes a header value; CR, LF and NUL are refused so that header injection is impossible. */
export function encodeHeaderValue(name: string, value: string): Uint8Array {
  if (typeof value !== 'string') throw new TypeError(`Header ${JSON.stringify(name)} must be a string, got ${typeof value}`)
  if (FORBIDDEN_IN_VALUE.test(value)) {
    throw new TypeError(`Header ${JSON.stringify(name)} contains CR, LF or NUL, which would allow header injection`)
  }
  return encodeLatin1(value, `Header ${JSON.stringify(name)}`)
}

/** Turns any accepted headers init into raw ASGI pairs, in the order given. */
export function rawHeadersFrom(init: HeadersInit | undefined | null): RawHeaders {
  if (init == null) return []
  const pairs: Iterable<readonly [string, string]> =
    typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? (init as Iterable<readonly [string, string]>)
      : Object.entries(init as Record<string, string>)
  const raw: RawHeaders = []
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('Headers must be [name, value] pairs')
    raw.push([encodeHeaderName(pair[0]), encodeHeaderValue(pair[0], pair[1])])
  }
  return raw
}

/**
 * Case-insensitive, multi-valued headers over a live raw list, like Starlette's MutableHeaders:
 * editing them edits the list that will be sent.
 */
export class MutableHeaders implements Iterable<[string, string]> {
  /** The ordered [name, value] byte pairs sent on the wire (the live list, not a copy). */
  readonly raw: RawHeaders

  constructor(init?: HeadersInit | null, raw?: RawHeaders) {
    if (init != null && raw !== undefined) throw new TypeError('Cannot set both "init" and "raw"')
    this.raw = raw ?? rawHeadersFrom(init)
  }

  /** Wraps the headers of an ASGI scope (the scope's list is used as is). */
  static fromScope(scope: { headers: RawHeaders }): MutableHeaders {
    return new MutableHeaders(null, scope.headers)
  }

  #indexes(name: string): number[] {
    const key = encodeLatin1(name.toLowerCase(), 'Header name')
    const found: number[] = []
    for (let i = 0; i < this.raw.length; i++) if (sameBytes(this.raw[i][0], key)) found.push(i)
    return found
  }

  /** The first value of `name`, or null. */
  get(name: string): string | null {
    const [first] = this.#indexes(name)
    return first === undefined ? null : decodeLatin1(this.raw[first][1])
  }

  /** Every value of `name`, in order. */
  getAll(name: string): string[] {
    return this.#indexes(name).map((i) => decodeLatin1(this.raw[i][1]))
  }

  /** Whether `name` is present. */
  has(name: string): boolean {
    return this.#indexes(name).length > 0
  }

  /** Replaces the first occurrence in place and drops the later ones; appends when absent. */
  set(name: string, value: string): void {
    const pair: [Uint8Array, Uint8Array] = [encodeHeaderName(name), encodeHeaderValue(name, value)]
    const found = this.#indexes(name)
    if (found.length === 0) {
      this.raw.push(pair)
      return
    }
    this.raw[found[0]] = pair
    this.#remove(found, 1)
  }

  /** Adds a value, keeping the existing ones. */
  append(name: string, value: string): void {
    this.raw.push([encodeHeaderName(name), encodeHeaderValue(name, value)])
  }

  /** Removes every occurrence; absent names are no error. */
  delete(name: string): void {
    this.#remove(this.#indexes(name), 0)
  }

  /** Removes the entries at `found` (ascending) from `from` on, in one pass: a splice each is quadratic. */
  #remove(found: number[], from: number): void {
    if (found.length <= from) return
    const raw = this.raw
    let kept = found[from]
    for (let i = kept, k = from; i < raw.length; i++) {
      if (k < found.length && found[k] === i) k++
      else raw[kept++] = raw[i]
    }
    raw.length = kept
  }

  /** Returns the first value, or appends `value` and returns it. */
  setDefault(name: string, value: string): string {
    const existing = this.get(name)
    if (existing !== null) return existing
    this.append(name, value)
    return value
  }

  /** Adds `value` to the `vary` header (keeps the first existing value, as Starlette does). */
  addVaryHeader(value: string): void {
    const existing = this.get('vary')
    this.set('vary', existing === null ? value : `${existing}, ${value}`)
  }

  /** Names, duplicates included. */
  keys(): string[] {
    return this.raw.map(([k]) => decodeLatin1(k))
  }

  /** Values, duplicates included. */
  values(): string[] {
    return this.raw.map(([, v]) => decodeLatin1(v))
  }

  /** [name, value] pairs, duplicates included. */
  entries(): [string, string][] {
    return this.raw.map(([k, v]) => [decodeLatin1(k), decodeLatin1(v)])
  }

  /** Number of entries, duplicates included. */
  get size(): number {
    return this.raw.length
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries()[Symbol.iterator]()
  }

  /** A copy over a new list. */
  copy(): MutableHeaders {
    return new MutableHeaders(null, this.raw.map(([k, v]) => [k, v]))
  }
}
