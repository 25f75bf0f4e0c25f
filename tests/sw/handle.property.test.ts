import { expect, test } from 'vitest'
import fc from 'fast-check'
import { handle } from '../../src/sw/index.js'
import type { ASGIApp, HTTPScope, Message } from '../../src/types.js'

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)

/** Answers with the scope fields under test and the exact request body, as JSON. */
const echo: ASGIApp = async (scope, receive, send) => {
  const s = scope as HTTPScope
  const body: number[] = []
  let message: Message
  do {
    message = await receive()
    body.push(...((message.body as Uint8Array | undefined) ?? []))
  } while (message.type === 'http.request' && message.more_body)
  const payload = new TextEncoder().encode(
    JSON.stringify({
      method: s.method,
      path: s.path,
      query: latin1(s.query_string),
      headers: s.headers.map(([k, v]) => [latin1(k), latin1(v)]),
      body,
    }),
  )
  await send({ type: 'http.response.start', status: 200, headers: [] })
  await send({ type: 'http.response.body', body: payload, more_body: false })
}

const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((s) => s !== '.' && s !== '..')
const token = fc.stringMatching(/^x-[a-z0-9-]{1,10}$/)
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/)
const query = fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 6 })), { maxLength: 4 })

test('random valid requests round-trip through an echo app exactly', async () => {
  const fetch = handle(echo, { onError: () => {} })
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      fc.array(segment, { maxLength: 4 }),
      query,
      fc.uniqueArray(fc.tuple(token, headerValue), { selector: ([name]) => name, maxLength: 5 }),
      fc.uint8Array({ maxLength: 300 }),
      async (method, segments, params, headers, body) => {
        const path = '/' + segments.join('/')
        const search = new URLSearchParams(params).toString()
        const url = `http://example.test${'/' + segments.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`
        const hasBody = method !== 'GET' && body.length > 0
        const response = await fetch(new Request(url, { method, headers, body: hasBody ? body : undefined }))
        const seen = await response.json()
        expect(seen.method).toBe(method)
        expect(seen.path).toBe(path)
        expect(seen.query).toBe(search)
        const expectedHeaders = headers.map(([k, v]) => [k, v])
        for (const pair of expectedHeaders) expect(seen.headers).toContainEqual(pair)
        expect(seen.headers[0]).toEqual(['host', 'example.test'])
        expect(seen.body).toEqual(hasBody ? [...body] : [])
      },
    ),
    { numRuns: 300 },
  )
})
