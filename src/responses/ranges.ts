/** HTTP `Range` header parsing (RFC 9110 §14), kept pure so that every edge case is testable on its own. */

/** What a `Range` header asks of a representation of `size` bytes. */
export type ParsedRange =
  /** Serve the whole representation: no Range, a unit other than bytes, invalid syntax, or too many ranges. */
  | { kind: 'none' }
  /** Answer 416, with a Content-Range naming only the size: no requested range overlaps the representation. */
  | { kind: 'unsatisfiable' }
  /** Serve these inclusive [first, last] byte ranges: sorted, clamped to the representation, never overlapping or adjacent. */
  | { kind: 'ranges'; ranges: [number, number][] }

/** More ranges than this are answered with the whole representation rather than an amplified multipart (as Starlette 1.5 does). */
export const MAX_RANGES = 100

const NONE: ParsedRange = { kind: 'none' }
const RANGE_SPEC = /^(\d*)-(\d*)$/

/**
 * Parses a `Range` header against a representation of `size` bytes. Any syntax error ignores the
 * whole header (RFC 9110 allows ignoring Range; a partial reading of a broken header would be a guess),
 * while unsatisfiable members of a valid set are dropped and the rest served.
 */
export function parseRange(header: string | null | undefined, size: number): ParsedRange {
  if (!header) return NONE
  const equals = header.indexOf('=')
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return NONE
  // List syntax (RFC 9110 §5.6.1): optional whitespace around commas, empty elements allowed.
  const specs = header
    .slice(equals + 1)
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '')
  if (specs.length === 0 || specs.length > MAX_RANGES) return NONE

  const wanted: [number, number][] = []
  let suffixOnEmpty = false
  for (const spec of specs) {
    const match = RANGE_SPEC.exec(spec)
    if (!match) return NONE
    const [, first, last] = match
    if (first === '') {
      if (last === '') return NONE // a bare "-"
      const length = Number(last)
      // A zero-length representation has no byte for Content-Range to name, so a non-empty suffix
      // there is best answered with the whole (empty) representation.
      if (length > 0 && size === 0) suffixOnEmpty = true
      else if (length > 0) wanted.push([Math.max(size - length, 0), size - 1])
      continue
    }
    const start = Number(first)
    const end = last === '' ? Infinity : Number(last)
    if (end < start) return NONE
    if (start < size) wanted.push([start, Math.min(end, size - 1)])
  }
  if (wanted.length === 0) return suffixOnEmpty ? NONE : { kind: 'unsatisfiable' }
  return { kind: 'ranges', ranges: coalesce(wanted) }
}

/** Sorts ranges and merges the overlapping and adjacent ones, so that no byte is sent twice. */
function coalesce(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const merged: [number, number][] = [sorted[0]]
  for (const [start, end] of sorted.slice(1)) {
    const previous = merged[merged.length - 1]
    if (start <= previous[1] + 1) previous[1] = Math.max(previous[1], end)
    else merged.push([start, end])
  }
  return merged
}
