import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MAX_RANGES, parseRange } from '../../src/responses/ranges.js'

const ranges = (...list: [number, number][]) => ({ kind: 'ranges', ranges: list })
const NONE = { kind: 'none' }
const UNSATISFIABLE = { kind: 'unsatisfiable' }

describe('parseRange: the RFC 9110 column of the range table (1000 bytes)', () => {
  it.each([
    ['bytes=0-99', ranges([0, 99])],
    ['bytes=900-', ranges([900, 999])],
    ['bytes=-100', ranges([900, 999])],
    ['bytes=0-999', ranges([0, 999])],
    ['bytes=0-1000', ranges([0, 999])],
    ['bytes=0-5000', ranges([0, 999])],
    ['bytes=1000-', UNSATISFIABLE],
    ['bytes=-0', UNSATISFIABLE],
    ['bytes=-2000', ranges([0, 999])],
    ['bytes=0-0,5-9', ranges([0, 0], [5, 9])],
    ['bytes=5-2', NONE],
    ['bytes=abc', NONE],
    ['items=0-5', NONE],
  ])('%s', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected)
  })
})

describe('parseRange: what is ignored', () => {
  it.each([
    ['absent', null],
    ['undefined', undefined],
    ['empty', ''],
    ['no ranges', 'bytes='],
    ['only commas', 'bytes=, ,'],
    ['a bare dash', 'bytes=-'],
    ['no equals sign', 'bytes 0-1'],
    ['a unit that only starts with bytes', 'bytesx=0-1'],
    ['signs', 'bytes=+1-2'],
    ['a double dash', 'bytes=--5'],
    ['a negative end', 'bytes=0--1'],
    ['a decimal', 'bytes=0.5-1'],
    ['inner whitespace', 'bytes=0 - 1'],
    ['one invalid member among valid ones', 'bytes=0-4, abc'],
    ['one inverted member among valid ones', 'bytes=0-4, 9-8'],
  ])('%s', (_, header) => {
    expect(parseRange(header, 1000)).toEqual(NONE)
  })

  it(`more than ${MAX_RANGES} ranges, rather than an amplified multipart`, () => {
    const many = Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i * 2}-${i * 2}`).join(',')
    expect(parseRange(`bytes=${many}`, 1000)).toEqual(NONE)
    const allowed = Array.from({ length: MAX_RANGES }, (_, i) => `${i * 2}-${i * 2}`).join(',')
    expect(parseRange(`bytes=${allowed}`, 1000)).toMatchObject({ kind: 'ranges' })
  })
})

describe('parseRange: syntax it accepts', () => {
  it('a case-insensitive unit', () => {
    expect(parseRange('BYTES=0-1', 10)).toEqual(ranges([0, 1]))
  })

  it('whitespace around commas and empty list elements', () => {
    expect(parseRange('bytes= 0-1 ,\t, 5-6 ', 10)).toEqual(ranges([0, 1], [5, 6]))
  })

  it('a single-byte range and a last byte', () => {
    expect(parseRange('bytes=999-999', 1000)).toEqual(ranges([999, 999]))
  })

  it('leading zeros', () => {
    expect(parseRange('bytes=007-010', 1000)).toEqual(ranges([7, 10]))
  })

  it('numbers beyond the safe integers, clamped to the file', () => {
    expect(parseRange('bytes=0-99999999999999999999999', 1000)).toEqual(ranges([0, 999]))
    expect(parseRange('bytes=-99999999999999999999999', 1000)).toEqual(ranges([0, 999]))
    expect(parseRange('bytes=99999999999999999999999-', 1000)).toEqual(UNSATISFIABLE)
  })
})

describe('parseRange: sets of ranges', () => {
  it('drops unsatisfiable members and serves the rest (RFC 9110, unlike Starlette)', () => {
    expect(parseRange('bytes=0-4, 2000-3000', 1000)).toEqual(ranges([0, 4]))
    expect(parseRange('bytes=-0, 10-', 1000)).toEqual(ranges([10, 999]))
  })

  it('is unsatisfiable when every member is', () => {
    expect(parseRange('bytes=1000-1001, -0, 5000-', 1000)).toEqual(UNSATISFIABLE)
  })

  it('merges overlapping ranges', () => {
    expect(parseRange('bytes=0-100, 50-200', 1000)).toEqual(ranges([0, 200]))
  })

  it('merges adjacent ranges', () => {
    expect(parseRange('bytes=0-4,5-9', 1000)).toEqual(ranges([0, 9]))
  })

  it('sorts the ranges and merges what sorting brings together', () => {
    expect(parseRange('bytes=20-30, 0-4, 3-8', 1000)).toEqual(ranges([0, 8], [20, 30]))
    expect(parseRange('bytes=100-200, 0-50', 1000)).toEqual(ranges([0, 50], [100, 200]))
    expect(parseRange('bytes=0-10, 20-30, 5-25', 1000)).toEqual(ranges([0, 30]))
  })

  it('merges a suffix with the ranges it overlaps', () => {
    expect(parseRange('bytes=-100, 850-899', 1000)).toEqual(ranges([850, 999]))
  })
})

describe('parseRange: an empty file', () => {
  it('cannot satisfy any first-last range', () => {
    expect(parseRange('bytes=0-', 0)).toEqual(UNSATISFIABLE)
    expect(parseRange('bytes=0-0', 0)).toEqual(UNSATISFIABLE)
  })

  it('answers a non-empty suffix with the whole (empty) file, which no Content-Range can describe', () => {
    expect(parseRange('bytes=-5', 0)).toEqual(NONE)
    expect(parseRange('bytes=-0', 0)).toEqual(UNSATISFIABLE)
  })
})

describe('parseRange: invariants', () => {
  const spec = fc.oneof(
    fc.tuple(fc.nat(3000), fc.option(fc.nat(3000))).map(([a, b]) => `${a}-${b === null ? '' : a + b}`),
    fc.nat(3000).map((n) => `-${n}`),
  )

  it('ranges are sorted, inside the file, and neither overlap nor touch', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 8 }), fc.nat(2000), (specs, size) => {
        const result = parseRange(`bytes=${specs.join(',')}`, size)
        if (result.kind !== 'ranges') return
        for (const [start, end] of result.ranges) expect(0 <= start && start <= end && end < size).toBe(true)
        for (let i = 1; i < result.ranges.length; i++) expect(result.ranges[i][0]).toBeGreaterThan(result.ranges[i - 1][1] + 1)
      }),
    )
  })

  it('covers exactly the bytes the members ask for', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 300 }), (specs, size) => {
        const wanted = new Set<number>()
        for (const s of specs) {
          const [first, last] = s.split('-')
          const [from, to] = first === '' ? [size - Number(last), size - 1] : [Number(first), last === '' ? size - 1 : Number(last)]
          for (let i = Math.max(from, 0); i <= Math.min(to, size - 1); i++) wanted.add(i)
        }
        const result = parseRange(`bytes=${specs.join(',')}`, size)
        const covered = new Set<number>()
        if (result.kind === 'ranges') for (const [start, end] of result.ranges) for (let i = start; i <= end; i++) covered.add(i)
        expect(result.kind).toBe(wanted.size === 0 ? 'unsatisfiable' : 'ranges')
        expect([...covered].sort((a, b) => a - b)).toEqual([...wanted].sort((a, b) => a - b))
      }),
    )
  })
})
