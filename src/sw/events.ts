/** Request lifecycle events of a worker (`serve()`'s `events`), as MSW's `worker.events`. */
import type { RequestEventData, RequestEventType } from '../messages.js'

/** Called with each event of the types it listens to. */
export type RequestListener = (event: RequestEventData) => void

/** A small event emitter for request events; `'*'` listens to every type. */
export class RequestEvents {
  readonly #listeners = new Map<RequestEventType | '*', Set<RequestListener>>()
  #count = 0

  /** Whether anyone listens: the fetch listener times requests only then. */
  get active(): boolean {
    return this.#count > 0
  }

  /** Calls `listener` on each event of `type`; returns the function that stops it. */
  on(type: RequestEventType | '*', listener: RequestListener): () => void {
    if (typeof listener !== 'function') throw new TypeError(`swasgi events: the listener for "${type}" must be a function`)
    const set = this.#listeners.get(type) ?? new Set()
    this.#listeners.set(type, set)
    if (!set.has(listener)) {
      set.add(listener)
      this.#count++
    }
    return () => this.off(type, listener)
  }

  /** Stops `listener` listening to `type`. */
  off(type: RequestEventType | '*', listener: RequestListener): void {
    if (this.#listeners.get(type)?.delete(listener)) this.#count--
  }

  /** Hands `event` to its listeners; a listener that throws is logged and never breaks the request. */
  emit(event: RequestEventData): void {
    for (const type of [event.type, '*'] as const) {
      for (const listener of this.#listeners.get(type) ?? []) {
        try {
          listener(event)
        } catch (error) {
          console.error(`swasgi: a "${event.type}" listener threw`, error)
        }
      }
    }
  }
}
