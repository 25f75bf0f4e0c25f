/** The messages a page and its swasgi worker exchange with postMessage (the page bundle imports only this). */

/** Sent by a page that a hard reload left uncontrolled: the worker claims it (see `register()`). */
export const CLAIM_MESSAGE = 'swasgi:claim'

// Cookie sync, where the worker's Cookie Store API cannot reach the browser's jar (see the README's "Cookies").
/** Page → worker, with a port: this page runs register() (its `cookie` is document.cookie); the worker answers with cookies to write. */
export const COOKIES_HELLO = 'swasgi:cookies:hello'
/** Page → worker: the page's document.cookie as it hides or leaves, for requests made while no page can answer. */
export const COOKIES_REPORT = 'swasgi:cookies:report'
/** Worker → page, with a port: answer with document.cookie. */
export const COOKIES_READ = 'swasgi:cookies:read'
/** Worker → page, with a port: assign each of `cookies` to document.cookie, then answer. */
export const COOKIES_WRITE = 'swasgi:cookies:write'

/** Page → worker: steer the mock layer (overrides, scenarios); answered on the message's port. */
export const MOCK_MESSAGE = 'swasgi:mock'
/** Page → worker: send this page the request events (see `RequestEventData`). */
export const EVENTS_MESSAGE = 'swasgi:events'
/** Worker → page: one request event. */
export const EVENT_MESSAGE = 'swasgi:event'
/**
 * The method of an app that answers `MOCK_MESSAGE`s (swasgi/mock's `MockApp` has it): the mocking
 * code comes with `mock()`, so a worker that does not mock does not carry it.
 */
export const STEER = Symbol.for('swasgi.steer')

/** What a page asks of the mock layer (`MOCK_MESSAGE`). */
export type MockAction =
  | { action: 'use'; overrides: OverrideSpec[] }
  | { action: 'reset' }
  | { action: 'scenario'; name: string | null }
  | { action: 'state' }
  | { action: 'abort'; method: string; url: string }

/** An override described as data, so that a page or a Playwright test can send it to the worker. */
export interface OverrideSpec {
  /** The method answered (GET brings HEAD); default every method. */
  method?: string
  /** The path, in the router's syntax: `/api/notes`, `/api/notes/{id:int}`, `/api/{rest:path}`. */
  path: string
  /** The status (default 200). */
  status?: number
  /** Response headers; `content-type` defaults from the body kind. */
  headers?: Record<string, string>
  /** A body sent as JSON. */
  json?: unknown
  /** A body sent as UTF-8 text. */
  text?: string
  /** A body sent as bytes (a Uint8Array, or base64 text). */
  bytes?: Uint8Array | string
  /** Wait this long before answering (see `delay()`). */
  delay?: number | 'real' | 'infinite'
  /** Fail as a network error: the page's `fetch` rejects with a `TypeError`. */
  error?: boolean
  /** Send this many body bytes, then break the stream: the page's body read throws. */
  cutAfter?: number
  /** Answer one request only, then step aside. */
  once?: boolean
}

/** The mock layer's state, the answer to every `MockAction`. */
export interface MockState {
  scenario: string | null
  scenarios: string[]
  overrides: number
}

/** The reply on a `MOCK_MESSAGE`'s port; no `error` when the worker's app has no mock layer. */
export type MockReply = { ok: true; state: MockState } | { ok: false; error?: string }

/** The kinds of request events, as MSW names its lifecycle events. */
export type RequestEventType = 'request:start' | 'request:end' | 'request:unhandled' | 'request:error'

/** One request event, plain data so that it crosses postMessage. */
export interface RequestEventData {
  type: RequestEventType
  /** Numbers the requests of one worker: a request's start, end and error share it. */
  id: number
  method: string
  url: string
  /** request:end: the response status (0 for a network error). */
  status?: number
  /** request:end: milliseconds from the fetch event to the response (its headers). */
  ms?: number
  /** request:error: the error's message. */
  error?: string
}
