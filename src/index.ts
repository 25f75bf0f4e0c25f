/** swasgi: Starlette's response model in the browser. */
export type { ASGIApp, HTTPScope, LifespanScope, Message, Receive, Scope, Send } from './types.js'
export { MutableHeaders, type HeadersInit, type RawHeaders } from './datastructures.js'
export type { Background, BackgroundTask } from './background.js'
export * from './responses/index.js'
export * from './routing/index.js'
export { handle, serve, type HandleOptions, type ServeOptions } from './sw/index.js'
export * from './storage/index.js'
export { register, type RegisterOptions } from './client/register.js'
