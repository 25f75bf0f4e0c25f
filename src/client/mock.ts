/** The page side of mocking: steer the worker's mock layer and watch its request events. */
import { EVENT_MESSAGE, EVENTS_MESSAGE, MOCK_MESSAGE, type MockAction, type MockState, type OverrideSpec, type RequestEventData, type RequestEventType } from '../messages.js'

/**
 * Posts `message` to the worker that controls this page and resolves with its reply's state (a
 * failed reply rejects with the worker's words). Self-contained, so that the Playwright toolkit can
 * run its source in a page.
 */
export function askWorker(message: { type: string }, timeout: number): Promise<unknown> {
  const worker = navigator.serviceWorker?.controller
  if (!worker) return Promise.reject(new Error('swasgi: no service worker controls this page yet (await register() first)'))
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel()
    const timer = setTimeout(() => reject(new Error(`swasgi: the worker did not answer within ${timeout} ms (does it call serve()?)`)), timeout)
    channel.port1.onmessage = (event: MessageEvent<{ ok: boolean; state?: unknown; error?: string }>) => {
      clearTimeout(timer)
      channel.port1.close()
      if (event.data.ok) resolve(event.data.state)
      // Literal: the Playwright fixture runs this function's source in the page.
      else reject(new Error(event.data.error ?? "swasgi: this worker's app takes no overrides: wrap it with mock() from swasgi/mock before serve()"))
    }
    worker.postMessage(message, [channel.port2])
  })
}

const steer = (action: MockAction) => askWorker({ type: MOCK_MESSAGE, ...action }, 5000) as Promise<MockState>

/** Puts overrides in front of the worker's app, newest first (MSW's `worker.use`). */
export function useOverrides(...overrides: OverrideSpec[]): Promise<MockState> {
  return steer({ action: 'use', overrides })
}

/** Removes every override and the active scenario (MSW's `worker.resetHandlers`). */
export function resetOverrides(): Promise<MockState> {
  return steer({ action: 'reset' })
}

/** Switches the worker to the scenario `name` (null: none); it stays active across worker restarts until reset. */
export function useScenario(name: string | null): Promise<MockState> {
  return steer({ action: 'scenario', name })
}

/** The worker's mock state: the active scenario, the scenarios it knows, how many overrides. */
export function mockState(): Promise<MockState> {
  return steer({ action: 'state' })
}

/**
 * Switches to the scenario named by this page's `?scenario=` (or `param`) query, if any, so that a
 * link like `/?scenario=down` opens the app in that scenario; resolves with the name, or null.
 */
export async function scenarioFromURL(param = 'scenario'): Promise<string | null> {
  const name = new URLSearchParams(location.search).get(param)
  if (name === null) return null
  await useScenario(name === '' ? null : name)
  return name
}

type Listener = (event: RequestEventData) => void
const listeners = new Set<[RequestEventType | '*', Listener]>()
let subscribed = false

function subscribe(): void {
  const container = navigator.serviceWorker
  const ask = () => container.controller?.postMessage({ type: EVENTS_MESSAGE })
  container.addEventListener('message', (event: MessageEvent<{ type?: string; event?: RequestEventData }>) => {
    if (event.data?.type !== EVENT_MESSAGE || !event.data.event) return
    for (const [type, listener] of listeners) if (type === '*' || type === event.data.event.type) listener(event.data.event)
  })
  container.addEventListener('controllerchange', ask)
  container.startMessages()
  ask()
}

/**
 * Calls `listener` with the worker's request events of `type` (`'*'`: all), as MSW's
 * `worker.events.on`; returns the function that stops it. Every page that listens sees the
 * requests of all the worker's pages.
 */
export function onRequestEvent(type: RequestEventType | '*', listener: Listener): () => void {
  const entry: [RequestEventType | '*', Listener] = [type, listener]
  listeners.add(entry)
  if (!subscribed) {
    subscribed = true
    subscribe()
  }
  return () => void listeners.delete(entry)
}
