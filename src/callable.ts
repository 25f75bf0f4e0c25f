import type { Receive, Scope, Send } from './types.js'

/** An object that is also an ASGI app. */
export interface ASGICallable {
  (scope: Scope, receive: Receive, send: Send): Promise<void>
}

/**
 * Creates the instance of a class whose instances are ASGI apps: a function that forwards to the
 * instance's `method`, with `proto` (pass `new.target.prototype`) as its prototype so that
 * `instanceof`, overrides and subclass fields work. Return it from the constructor.
 */
export function asgiCallable<T extends object>(proto: object, method: keyof T): T {
  const self = ((scope: Scope, receive: Receive, send: Send) =>
    (self[method] as (s: Scope, r: Receive, d: Send) => Promise<void>)(scope, receive, send)) as unknown as T
  Object.setPrototypeOf(self, proto)
  return self
}
