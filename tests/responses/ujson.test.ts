import { describe, expect, test } from 'vitest'
import { UJSONResponse } from '../../src/responses/index.js'

// UJSONResponse escapes '/' in a large text a slice at a time: the body must be the whole text
// escaped at once, wherever the cuts fall (a cut inside a surrogate pair would decode as U+FFFD).
const wholeText = (content: unknown) => JSON.stringify(content).replaceAll('/', '\\/')
const body = (content: unknown) => new TextDecoder().decode(new UJSONResponse(content).body)

describe('UJSONResponse on large payloads', () => {
  // The first cut is after 32,768 code units; '["' comes first, so the pair starts at offset + 2.
  test.each([32763, 32764, 32765, 32766, 32767])('a surrogate pair near a cut (%i)', (offset) => {
    const content = ['a'.repeat(offset) + '😀/😀' + 'é/'.repeat(20_000)]
    expect(body(content)).toBe(wholeText(content))
  })

  test('slashes in keys and values, across many slices', () => {
    const content = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k/${i}`, { url: `https://example.com/${i}/a.png`, n: i }]))
    expect(body(content)).toBe(wholeText(content))
  })

  test('one slash, in a text of several slices', () => {
    const content = ['x'.repeat(50_000) + '/' + 'y'.repeat(50_000)]
    expect(body(content)).toBe(wholeText(content))
  })
})
