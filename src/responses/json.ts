import { concatBytes, encodeWellFormedUTF8, typeName } from '../bytes.js'
import { Response, type ResponseInit } from './response.js'

/** How one dialect writes the things Python's and JavaScript's JSON disagree on. */
interface Dialect {
  /** Text of a finite number that is not an integer below 1e16. */
  float(digits: string, exponent: number, value: number): string
  /** Text of NaN and the infinities, or null to refuse them. */
  nonFinite: ((value: number) => string) | null
  /** Text of a boolean used as a Map key. */
  boolKey(value: boolean): string
}

/** Splits a number into its shortest round-trip digits and decimal exponent (`d.ddd × 10^exp`). */
function shortest(value: number): [string, number] {
  const text = Math.abs(value).toExponential() // shortest digits that round-trip
  const e = text.indexOf('e')
  return [text.slice(0, e).replace('.', ''), Number(text.slice(e + 1))]
}

/** Python's float repr: fixed notation for exponents -4..15, otherwise `d.ddde±XX`. */
function pythonFloat(digits: string, exponent: number, value: number, padExponent: boolean): string {
  const sign = value < 0 ? '-' : ''
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
    const fraction = digits.slice(exponent + 1) || '0'
    return `${sign}${whole}.${fraction}`
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  const magnitude = String(Math.abs(exponent))
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${padExponent ? magnitude.padStart(2, '0') : magnitude}`
}

const PYTHON: Dialect = {
  float: (digits, exponent, value) => pythonFloat(digits, exponent, value, true),
  nonFinite: null,
  boolKey: (value) => String(value),
}

const UJSON: Dialect = {
  float: (digits, exponent, value) => pythonFloat(digits, exponent, value, false),
  nonFinite: (value) => (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'),
  boolKey: (value) => (value ? 'True' : 'False'),
}

function numberText(value: number, dialect: Dialect): string {
  if (!Number.isFinite(value)) {
    if (dialect.nonFinite) return dialect.nonFinite(value)
    throw new RangeError(`Out of range float values are not JSON compliant: ${value}`)
  }
  // A JavaScript number cannot say whether Python held an int or a float: integral values below
  // 1e16 are taken as ints, everything else as floats.
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value)
  const [digits, exponent] = shortest(value)
  return dialect.float(digits, exponent, value)
}

function stringText(value: string): string {
  // JSON.stringify escapes exactly what Python's json escapes with ensure_ascii=False (", \, named
  // escapes, other C0 as lower-case \u00xx), except lone surrogates, which Python cannot encode
  // (nor can ujson's output be encoded as UTF-8).
  if (!value.isWellFormed()) {
    throw new TypeError(`String contains a lone surrogate and cannot be encoded as UTF-8: ${JSON.stringify(value).slice(0, 40)}`)
  }
  return JSON.stringify(value)
}

function keyText(key: unknown, dialect: Dialect): string {
  if (typeof key === 'string') return stringText(key)
  if (typeof key === 'number') return `"${numberText(key, dialect)}"`
  if (typeof key === 'boolean') return `"${dialect.boolKey(key)}"`
  if (key === null) return '"null"'
  throw new TypeError(`keys must be str, int, float, bool or None, not ${typeName(key)}`)
}

function serialize(value: unknown, key: string, dialect: Dialect, ancestors: object[]): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key)
  }
  switch (typeof value) {
    case 'string':
      return stringText(value)
    case 'number':
      return numberText(value, dialect)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
      return undefined
    case 'object':
      break
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`)
  }
  if (value === null) return 'null'
  if (ancestors.includes(value)) throw new TypeError('Circular reference detected')
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
    throw new TypeError(`Object of type ${typeName(value)} is not JSON serializable`)
  }
  ancestors.push(value)
  let out: string
  if (Array.isArray(value)) {
    const items: string[] = []
    for (let i = 0; i < value.length; i++) items.push(serialize(value[i], String(i), dialect, ancestors) ?? 'null')
    out = `[${items.join(',')}]`
  } else {
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value : Object.entries(value)
    const members: string[] = []
    for (const [k, v] of entries) {
      const text = serialize(v, String(k), dialect, ancestors)
      if (text !== undefined) members.push(`${keyText(k, dialect)}:${text}`)
    }
    out = `{${members.join(',')}}`
  }
  ancestors.pop()
  return out
}

// Numbers JSON.stringify writes exactly as Python does: ints below 1e16, and non-integers that both
// languages write in fixed notation with the same shortest round-trip digits.
function sameNumber(value: number): boolean {
  const size = Math.abs(value)
  return Number.isInteger(value) ? size < 1e16 : size >= 1e-4 && size < 1e16
}

const MAX_FAST_DEPTH = 64

/**
 * Whether JSON.stringify already writes `value` as the dialect would: only plain objects, arrays,
 * well-formed strings, booleans, null and `sameNumber`s. Anything else takes the slow path, which
 * matches Python or throws the right error.
 */
function nativeSafe(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed()
    case 'number':
      return sameNumber(value)
    case 'boolean':
      return true
    case 'object':
      break
    default:
      return false
  }
  if (value === null) return true
  if (depth > MAX_FAST_DEPTH) return false // deep or cyclic: the slow path detects cycles
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!itemSafe(value[i], depth)) return false
    return true
  }
  const proto = Object.getPrototypeOf(value)
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return false
  for (const key in value) {
    // Keys are strings too: a lone surrogate in one is as unencodable as in a value.
    if (!key.isWellFormed() || !itemSafe((value as Record<string, unknown>)[key], depth)) return false
  }
  return true
}

/** `nativeSafe` for a member of the array or object at `depth`. Strings, the commonest members, are checked here rather than by a call. */
function itemSafe(item: unknown, depth: number): boolean {
  return typeof item === 'string' ? item.isWellFormed() : nativeSafe(item, depth + 1)
}

function dumps(content: unknown, dialect: Dialect): string {
  if (nativeSafe(content, 0)) return JSON.stringify(content)
  const text = serialize(content, '', dialect, [])
  if (text === undefined) throw new TypeError(`Object of type ${typeof content} is not JSON serializable`)
  return text
}

/**
 * Writes `content` as Python's `json.dumps(content, ensure_ascii=False, allow_nan=False,
 * separators=(",", ":"))` would. Maps keep their insertion order and may have number, boolean or
 * null keys, as Python dicts may.
 */
export function pythonJSON(content: unknown): string {
  return dumps(content, PYTHON)
}

// Escaped, a slice of 32K code units stays below V8's large-object size (128 KB), where strings are
// slow to allocate, unless nearly all of it is '/'.
const ESCAPE_SLICE = 32768

/** UTF-8 bytes of `content` as `ujson.dumps(content, ensure_ascii=False)` (ujson 5.x) writes it. */
export function ujsonBytes(content: unknown): Uint8Array {
  const text = dumps(content, UJSON)
  // Only strings can hold a '/', so escaping it as '\/' over the whole text is safe.
  if (!text.includes('/')) return encodeWellFormedUTF8(text)
  // Escaping a large text in one go builds a second large string, which V8 is slow to allocate and
  // flatten: escape and encode it a slice at a time instead.
  const parts: Uint8Array[] = []
  for (let start = 0; start < text.length; ) {
    let end = start + ESCAPE_SLICE
    if ((text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++ // keep a surrogate pair together
    parts.push(encodeWellFormedUTF8(text.slice(start, end).replaceAll('/', '\\/')))
    start = end
  }
  return concatBytes(parts)
}

/** An `application/json` response rendered as Starlette's JSONResponse renders it. */
export class JSONResponse extends Response {
  static override mediaType: string | null = 'application/json'

  constructor(content: unknown, init?: ResponseInit) {
    if (arguments.length === 0) throw new TypeError(`${new.target.name} requires content`)
    super(content, init)
  }

  override render(content: unknown): Uint8Array {
    return encodeWellFormedUTF8(pythonJSON(content))
  }
}

/** A JSON response rendered as ujson does (FastAPI's UJSONResponse): `\/`, bare NaN/Infinity. */
export class UJSONResponse extends JSONResponse {
  override render(content: unknown): Uint8Array {
    return ujsonBytes(content)
  }
}
