import { describe, expect, test } from 'vitest'
import { handle } from '../../src/sw/index.js'
import { NETWORK_ERROR_EXTENSION, type ASGIApp, type HTTPScope } from '../../src/types.js'

const quiet = { onError: () => {} }

describe('the http.response.error extension', () => {
  test('handle() lists it in the scope', async () => {
    let extensions: Record<string, unknown> | undefined
    const app: ASGIApp = async (scope, _receive, send) => {
      extensions = (scope as HTTPScope).extensions
      await send({ type: NETWORK_ERROR_EXTENSION })
    }
    await handle(app, quiet)(new Request('http://x/'))
    expect(extensions).toHaveProperty([NETWORK_ERROR_EXTENSION])
  })

  test('instead of http.response.start it answers with a network error (Response.error())', async () => {
    const app: ASGIApp = async (_scope, _receive, send) => send({ type: NETWORK_ERROR_EXTENSION })
    const response = await handle(app, quiet)(new Request('http://x/'))
    expect(response.type).toBe('error')
    expect(response.status).toBe(0)
  })

  test('after the body started it breaks the body stream', async () => {
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] })
      await send({ type: 'http.response.body', body: new Uint8Array([1]), more_body: true })
      await send({ type: NETWORK_ERROR_EXTENSION })
    }
    const response = await handle(app, quiet)(new Request('http://x/'))
    expect(response.status).toBe(200)
    await expect(response.arrayBuffer()).rejects.toThrow(/network error/)
  })

  test('after the response completed it is a protocol error like any late message', async () => {
    const errors: unknown[] = []
    const app: ASGIApp = async (_scope, _receive, send) => {
      await send({ type: 'http.response.start', status: 204, headers: [] })
      await send({ type: 'http.response.body', body: new Uint8Array(0) })
      await send({ type: NETWORK_ERROR_EXTENSION })
    }
    const response = await handle(app, { onError: (error) => errors.push(error) })(new Request('http://x/'))
    expect(response.status).toBe(204)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(String(errors[0])).toMatch(/http.response.error.*after the response completed/)
  })
})
