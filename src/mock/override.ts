/** Declarative overrides: a plain object (it crosses postMessage) that becomes a Route. */
import { NETWORK_ERROR_EXTENSION, type ASGIApp, type Receive, type Send } from '../types.js'
import { decodeBase64, encodeUTF8 } from '../bytes.js'
import { rawHeadersFrom } from '../datastructures.js'
import { Route } from '../routing/route.js'
import type { OverrideSpec } from '../messages.js'
import { checkDelay, delay } from './delay.js'

export type { OverrideSpec } from '../messages.js'

const KEYS = new Set(['method', 'path', 'status', 'headers', 'json', 'text', 'bytes', 'delay', 'error', 'cutAfter', 'once'])

function fail(what: string): never {
  throw new TypeError(`swasgi override: ${what}`)
}

/** The body and its default content type. */
function bodyOf(spec: OverrideSpec): [Uint8Array, string | undefined] {
  const kinds = (['json', 'text', 'bytes'] as const).filter((key) => spec[key] !== undefined)
  if (kinds.length > 1) fail(`give one body (json, text or bytes), not ${kinds.join(' and ')}`)
  if (spec.json !== undefined) return [encodeUTF8(JSON.stringify(spec.json)), 'application/json']
  if (spec.text !== undefined) {
    if (typeof spec.text !== 'string') fail(`text must be a string, got ${typeof spec.text}`)
    return [encodeUTF8(spec.text), 'text/plain; charset=utf-8']
  }
  if (spec.bytes !== undefined) {
    const bytes = typeof spec.bytes === 'string' ? decodeBase64(spec.bytes, 'override bytes') : spec.bytes
    if (!(bytes instanceof Uint8Array)) fail('bytes must be a Uint8Array or base64 text')
    return [bytes, 'application/octet-stream']
  }
  return [new Uint8Array(0), undefined]
}

/** Reads `receive` to its end and aborts the returned signal when the client is gone. */
export function disconnectSignal(receive: Receive): AbortSignal {
  const controller = new AbortController()
  void (async () => {
    for (;;) {
      const message = await receive()
      if (message.type === 'http.disconnect') return controller.abort()
    }
  })().catch((error: unknown) => controller.abort(error))
  return controller.signal
}

/** The ASGI app answering a spec (checked already); `stop` aborts a pending delay from outside. */
function answer(spec: OverrideSpec, body: Uint8Array, type: string | undefined, stop?: (scope: object) => AbortSignal): ASGIApp {
  const headers = rawHeadersFrom({ ...(type && { 'content-type': type }), ...spec.headers })
  const status = spec.status ?? 200
  return async (scope, receive, send: Send) => {
    if (spec.delay !== undefined) {
      const outside = stop?.(scope)
      const gone = disconnectSignal(receive)
      try {
        await delay(spec.delay, outside ? AbortSignal.any([gone, outside]) : gone)
      } catch {
        return send({ type: NETWORK_ERROR_EXTENSION }) // nobody waits for this answer any more
      }
    }
    if (spec.error) return send({ type: NETWORK_ERROR_EXTENSION })
    await send({ type: 'http.response.start', status, headers })
    if (spec.cutAfter === undefined) return send({ type: 'http.response.body', body })
    await send({ type: 'http.response.body', body: body.subarray(0, spec.cutAfter), more_body: true })
    await send({ type: NETWORK_ERROR_EXTENSION })
  }
}

/**
 * The Route answering `spec`; bad specs throw a TypeError naming the field. `signal` gives each
 * request a signal that ends its delay early (the mock layer's per-request abort).
 */
export function overrideRoute(spec: OverrideSpec, signal?: (scope: object) => AbortSignal): Route {
  if (typeof spec !== 'object' || spec === null) fail(`expected an object like { path: '/api/x', json: {...} }, got ${String(spec)}`)
  for (const key of Object.keys(spec)) if (!KEYS.has(key)) fail(`unknown field "${key}" (known: ${[...KEYS].join(', ')})`)
  if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) fail(`path must be a string starting with '/', got ${JSON.stringify(spec.path)}`)
  if (spec.method !== undefined && (typeof spec.method !== 'string' || !/^[A-Za-z]+$/.test(spec.method))) fail(`method must be a method name like 'GET', got ${JSON.stringify(spec.method)}`)
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 200 || spec.status > 599)) fail(`status must be an integer from 200 to 599, got ${String(spec.status)}`)
  if (spec.delay !== undefined) checkDelay(spec.delay)
  if (spec.cutAfter !== undefined && (!Number.isInteger(spec.cutAfter) || spec.cutAfter < 0)) fail(`cutAfter must be a whole number of bytes, got ${String(spec.cutAfter)}`)
  if (spec.headers !== undefined && (typeof spec.headers !== 'object' || spec.headers === null)) fail('headers must be an object of strings')
  const [body, type] = bodyOf(spec)
  const methods = spec.method === undefined ? undefined : [spec.method.toUpperCase()]
  return new Route(spec.path, { asgi: answer(spec, body, type, signal) }, { methods })
}
