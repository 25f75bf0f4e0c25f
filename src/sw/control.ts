/** The worker's side of the page channel for mocking: steering messages, and request events sent to pages. */
import { EVENT_MESSAGE, EVENTS_MESSAGE, MOCK_MESSAGE, STEER, type MockAction, type MockReply } from '../messages.js'
import type { RequestEvents } from './events.js'

/** An app a page can steer (swasgi/mock's `MockApp` is one). */
export interface Steerable {
  [STEER](message: MockAction): Promise<MockReply>
}

// The page words the error (askWorker): the worker need not carry them.
const NOT_MOCKED: MockReply = { ok: false }

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

/**
 * Returns the `message` listener part that handles the mocking messages: `MOCK_MESSAGE` goes to
 * the app's `STEER` method, `EVENTS_MESSAGE` subscribes the sending page to `events`. True when the
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
      const port = event.ports?.[0]
      const steer = (app as Partial<Steerable>)[STEER]
      event.waitUntil(Promise.resolve(steer ? steer.call(app, event.data as unknown as MockAction) : NOT_MOCKED).then((reply) => port?.postMessage(reply)))
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
