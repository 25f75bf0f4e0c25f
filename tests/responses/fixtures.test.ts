import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response, UJSONResponse } from '../../src/responses/index.js'
import { call } from '../helpers/asgi.js'
import { decode, normalise } from '../helpers/fixtures.js'

// Golden fixtures recorded from real Starlette by scripts/starlette-fixtures.py (`npm run fixtures`).
interface Spec {
  class: string
  content?: unknown
  url?: string
  charset?: string
  init?: { statusCode?: number; headers?: Record<string, string>; mediaType?: string }
  ops?: [string, ...unknown[]][]
}
interface Case {
  name: string
  spec: Spec
  deviation?: string
  expected: { messages?: Record<string, unknown>[]; error?: string }
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/responses.json', import.meta.url), 'utf8')) as { clock: string; cases: Case[] }

const classes: Record<string, typeof Response> = { Response, HTMLResponse, PlainTextResponse, JSONResponse, UJSONResponse }

function build(spec: Spec): Response {
  let response: Response
  if (spec.class === 'RedirectResponse') {
    response = new RedirectResponse(spec.url!, spec.init)
  } else {
    let cls = classes[spec.class]
    if (spec.charset) {
      const charset = spec.charset
      cls = class extends cls {
        static override charset = charset
      }
    }
    response = 'content' in spec ? new cls(decode(spec.content), spec.init) : new cls(undefined, spec.init)
  }
  for (const [op, ...args] of spec.ops ?? []) {
    if (op === 'setCookie') response.setCookie(args[0] as string, args[1] as string, decode(args[2]) as object)
    else if (op === 'deleteCookie') response.deleteCookie(args[0] as string, decode(args[1]) as object)
    else if (op === 'headers.set') response.headers.set(args[0] as string, args[1] as string)
    else if (op === 'headers.append') response.headers.append(args[0] as string, args[1] as string)
    else if (op === 'headers.delete') response.headers.delete(args[0] as string)
    else if (op === 'headers.setDefault') response.headers.setDefault(args[0] as string, args[1] as string)
    else throw new Error(`unknown op ${op}`)
  }
  return response
}

describe(`Starlette ${'0.26.1'} golden fixtures`, () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date(fixtures.clock))
  })
  afterAll(() => {
    vi.useRealTimers()
  })

  test('there are at least 60 cases', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(60)
  })

  test.each(fixtures.cases)('$name', async ({ spec, expected }) => {
    if (expected.error) {
      expect(() => build(spec)).toThrow(globalThis[expected.error as 'TypeError'])
      return
    }
    const messages = await call(build(spec))
    expect(normalise(messages)).toEqual(expected.messages)
  })
})
