import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { StreamingResponse } from '../../src/responses/index.js'
import { httpScope, recordingSend, scriptedReceive } from '../helpers/asgi.js'
import { decode, normalise } from '../helpers/fixtures.js'

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/streaming.json', import.meta.url), 'utf8')) as {
  starlette: string
  cases: { name: string; spec: { chunks: unknown[]; init?: object }; expected: { messages: unknown[]; error?: string } }[]
}

describe(`StreamingResponse against Starlette ${fixtures.starlette}`, () => {
  test.each(fixtures.cases)('$name', async ({ spec, expected }) => {
    const chunks = decode(spec.chunks) as (string | Uint8Array)[]
    async function* generate() {
      yield* chunks
    }
    const send = recordingSend()
    const sending = new StreamingResponse(generate(), spec.init)(httpScope(), scriptedReceive(), send)
    if (expected.error) await expect(sending).rejects.toThrow(globalThis[expected.error as 'TypeError'])
    else await sending
    expect(normalise(send.messages)).toEqual(expected.messages)
  })
})
