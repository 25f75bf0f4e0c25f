/** swasgi: Starlette's response model in the browser. */
export type { ASGIApp, HTTPScope, LifespanScope, Message, Receive, Scope, Send } from './types.js'
export { MutableHeaders, type HeadersInit, type RawHeaders } from './datastructures.js'
export type { Background, BackgroundTask } from './background.js'
export * from './responses/index.js'
