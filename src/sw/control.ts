/** The worker's side of the page channel for mocking: steering messages, and request events sent to pages. */
import { EVENT_MESSAGE, EVENTS_MESSAGE, MOCK_MESSAGE, type MockAction, type MockReply, type MockState } from '../messages.js'
import type { RequestEvents } from './events.js'

/** An app a page can steer (swasgi/mock's `MockApp` is one). */
export interface Steerable {
  control(message: MockAction): Promise<MockState>
}

/** The parts of a `message` event used here. */
export interface PageMessage {
  data: { type?: string } | null
  ports?: readonly { postMessage(message: unknown): void }[]
  source?: { id?: string } | null
  waitUntil(promise: Promise<unknown>): void
}

/** The parts of `self.clients` used here. */
export interface PageClients {
  get(id: string): Promise<{ postMessage(message: unknown): void } | undefined>
}

/** Carries out one steering message and replies on its port. */
async function steer(app: unknown, data: MockAction, port: { postMessage(message: unknown): void } | undefined): Promise<void> {
  let reply: MockReply
  try {
    const control = (app as Partial<Steerable>).control
    if (typeof control !== 'function') throw new Error("swasgi: this worker's app takes no overrides: wrap it with mock() from swasgi/mock before serve()")
    reply = { ok: true, state: await control.call(app, data) }
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
  port?.postMessage(reply)
}

/**
 * Returns the `message` listener part that handles the mocking messages: `MOCK_MESSAGE` goes to
 * the app's `control()`, `EVENTS_MESSAGE` subscribes the sending page to `events`. True when the
 * message was one of these.
 */
export function pageChannel(app: unknown, events: RequestEvents, clients: PageClients): (event: PageMessage) => boolean {
  const subscribers = new Set<string>()
  const post = (event: unknown) => {
    for (const id of subscribers) {
      void clients.get(id).then((client) => (client ? client.postMessage({ type: EVENT_MESSAGE, event }) : subscribers.delete(id)))
    }
  }
  return (event) => {
    const type = event.data?.type
    if (type === MOCK_MESSAGE) {
      event.waitUntil(steer(app, event.data as unknown as MockAction, event.ports?.[0]))
      return true
    }
    if (type === EVENTS_MESSAGE) {
      const id = event.source?.id
      if (typeof id === 'string') {
        if (subscribers.size === 0) events.on('*', post)
        subscribers.add(id)
      }
      return true
    }
    return false
  }
}
