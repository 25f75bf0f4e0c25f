import type { HTTPScope, Message, Receive, Send } from '../../src/types.js'
import { urlScope } from '../../src/scope.js'
import { splitURL } from '../../src/urls.js'

/** A GET scope for http://testserver/ (server ['testserver', 80], no headers), with optional fields replaced. */
export function httpScope(overrides: Partial<HTTPScope> = {}): HTTPScope {
  return { ...urlScope(splitURL('http://testserver/'), 'GET'), ...overrides }
}

/** A receive that yields one empty request, then waits for `disconnect()`. */
export function scriptedReceive(): Receive & { disconnect(): void } {
  let first = true
  let disconnect!: () => void
  const disconnected = new Promise<Message>((resolve) => (disconnect = () => resolve({ type: 'http.disconnect' })))
  const receive = (async () => {
    if (first) {
      first = false
      return { type: 'http.request', body: new Uint8Array(0), more_body: false }
    }
    return disconnected
  }) as Receive & { disconnect(): void }
  receive.disconnect = disconnect
  return receive
}

/** A send that records every message. */
export function recordingSend(): Send & { messages: Message[] } {
  const messages: Message[] = []
  const send = (async (message: Message) => {
    messages.push(message)
  }) as Send & { messages: Message[] }
  send.messages = messages
  return send
}

/** Calls an ASGI app with a GET scope and returns what it sent. */
export async function call(app: (scope: HTTPScope, receive: Receive, send: Send) => Promise<void>, scope = httpScope()): Promise<Message[]> {
  const send = recordingSend()
  await app(scope, scriptedReceive(), send)
  return send.messages
}

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)

/** The start message's headers as latin-1 string pairs. */
export function headerPairs(message: Message): [string, string][] {
  return (message.headers as [Uint8Array, Uint8Array][]).map(([k, v]) => [latin1(k), latin1(v)])
}

/** Every body message's bytes joined, as text. */
export function bodyText(messages: Message[]): string {
  return new TextDecoder().decode(Buffer.concat(messages.filter((m) => m.type === 'http.response.body').map((m) => m.body as Uint8Array)))
}

/** Whether `promise` settles (resolves or rejects) within `ms`: a hang fails an assertion, not the test's timeout. */
export async function settles(promise: Promise<unknown>, ms = 1000): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  const settled = promise.then(
    () => true,
    () => true,
  )
  const result = await Promise.race([settled, late])
  clearTimeout(timer)
  return result
}
