import type { Message } from '../../src/types.js'
import { headerPairs } from './asgi.js'

// Helpers for the golden fixtures written by scripts/starlette-fixtures.py.

/** Spec value -> JavaScript value (see the markers in the script's docstring). */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode)
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>
    if ('$bytes' in v) return new Uint8Array(Buffer.from(v.$bytes as string, 'base64'))
    if ('$float' in v) return { nan: NaN, inf: Infinity, '-inf': -Infinity }[v.$float as string]
    if ('$map' in v) return new Map((v.$map as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]))
    if ('$date' in v) return new Date(v.$date as string)
    if ('$utf16' in v) return String.fromCharCode(...(v.$utf16 as number[]))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]))
  }
  return value
}

/** ASGI messages in the fixture's form: headers as latin-1 strings, bodies as base64. */
export function normalise(messages: Message[]): Record<string, unknown>[] {
  return messages.map((m) => {
    const out: Record<string, unknown> = { type: m.type }
    if ('status' in m) {
      out.status = m.status
      out.headers = headerPairs(m)
    }
    if ('body' in m) out.body = { $bytes: Buffer.from(m.body as Uint8Array).toString('base64') }
    if ('more_body' in m) out.more_body = m.more_body
    return out
  })
}
