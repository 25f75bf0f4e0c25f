import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response, UJSONResponse } from '../../src/responses/index.js'
import { putFile } from '../../src/storage/index.js'
import type { Message } from '../../src/types.js'
import { call, httpScope } from '../helpers/asgi.js'
import { decode, normalise } from '../helpers/fixtures.js'

// Golden fixtures recorded from real Starlette by scripts/starlette-fixtures.py (`npm run fixtures`).
interface Spec {
  class: string
  content?: unknown
  url?: string
  charset?: string
  init?: { statusCode?: number; headers?: Record<string, string>; mediaType?: string }
  ops?: [string, ...unknown[]][]
  file?: { name: string; content: unknown; mtime: number }
  filename?: string
  contentDispositionType?: string
  method?: string
}
interface Case {
  name: string
  spec: Spec
  deviation?: string
  expected: { messages?: Record<string, unknown>[]; error?: string }
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/responses.json', import.meta.url), 'utf8')) as { starlette: string; clock: string; cases: Case[] }

const classes: Record<string, typeof Response> = { Response, HTMLResponse, PlainTextResponse, JSONResponse, UJSONResponse }

function build(spec: Spec): Response {
  let response: Response
  if (spec.class === 'RedirectResponse') {
    response = new RedirectResponse(spec.url!, spec.init)
  } else if (spec.class === 'FileResponse') {
    response = new FileResponse(`idb://fixtures/${spec.file!.name}`, { ...spec.init, filename: spec.filename, contentDispositionType: spec.contentDispositionType })
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

/**
 * A file's messages as the fixtures compare them: the start message, with the ETag (swasgi's own
 * strong tag) as '*' where the fixture says so, then the whole body in one final message.
 */
function fileMessages(messages: Message[], expected: Record<string, unknown>[]): Record<string, unknown>[] {
  const [start, ...bodies] = normalise(messages)
  const etagHidden = (expected[0].headers as [string, string][]).some(([name, value]) => name === 'etag' && value === '*')
  const headers = (start.headers as [string, string][]).map(([name, value]): [string, string] => {
    if (name !== 'etag' || !etagHidden) return [name, value]
    expect(value).toMatch(/^"[^"]+"$/)
    return [name, '*']
  })
  const body = Buffer.concat(bodies.map((m) => Buffer.from((m.body as { $bytes: string }).$bytes, 'base64')))
  expect(bodies.at(-1)?.more_body).toBe(false)
  return [{ ...start, headers }, { type: 'http.response.body', body: { $bytes: body.toString('base64') }, more_body: false }]
}

describe(`Starlette ${fixtures.starlette} golden fixtures`, () => {
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
    if (spec.file) {
      // Stored untyped, so that the type is guessed from the filename or path, as Starlette guesses it.
      const stored = { lastModified: spec.file.mtime * 1000, mediaType: 'application/octet-stream' }
      await putFile(`idb://fixtures/${spec.file.name}`, decode(spec.file.content) as Uint8Array, stored)
      const messages = await call(build(spec), httpScope({ method: spec.method ?? 'GET' }))
      expect(fileMessages(messages, expected.messages!)).toEqual(expected.messages)
      return
    }
    const messages = await call(build(spec))
    expect(normalise(messages)).toEqual(expected.messages)
  })
})
