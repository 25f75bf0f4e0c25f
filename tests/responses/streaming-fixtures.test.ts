import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { StreamingResponse } from '../../src/responses/index.js'
import { call } from '../helpers/asgi.js'
import { decode, normalise } from '../helpers/fixtures.js'

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/streaming.json', import.meta.url), 'utf8')) as {
  cases: { name: string; spec: { chunks: unknown[]; init?: object }; expected: { messages: unknown[] } }[]
}

describe('StreamingResponse against Starlette 0.26.1', () => {
  test.each(fixtures.cases)('$name', async ({ spec, expected }) => {
    const chunks = decode(spec.chunks) as (string | Uint8Array)[]
    async function* generate() {
      yield* chunks
    }
    const messages = await call(new StreamingResponse(generate(), spec.init))
    expect(normalise(messages)).toEqual(expected.messages)
  })
})
