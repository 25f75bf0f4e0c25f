import type { Receive, Scope, Send } from './types.js'

/** An object that is also an ASGI app. */
export interface ASGICallable {
  (scope: Scope, receive: Receive, send: Send): Promise<void>
}

type Forwarder = (this: { self: Record<PropertyKey, ASGICallable> }, scope: Scope, receive: Receive, send: Send) => Promise<void>

const bind = Function.prototype.bind
/** Per prototype, one function with that prototype that forwards a call to the instance's method. */
const targets = new WeakMap<object, Forwarder>()

/**
 * Creates the instance of a class whose instances are ASGI apps: a function that forwards to the
 * instance's `method`, with `proto` (pass `new.target.prototype`) as its prototype so that
 * `instanceof`, overrides and subclass fields work. Return it from the constructor.
 *
 * Responses are made per request, so this is a hot path: the instance is a bound copy of a
 * per-class function, which inherits that function's prototype. `Object.setPrototypeOf` on a fresh
 * function drops every instance into slow dictionary mode (figures: the README's Benchmarks).
 */
export function asgiCallable<T extends object>(proto: object, method: keyof T & PropertyKey): T {
  let target = targets.get(proto)
  if (target === undefined) {
    // A method, not a function expression: transpilers that keep names (tsx, esbuild's keepNames)
    // redefine an expression's `name`, which takes every bind of it off V8's fast path.
    const methods: { forward: Forwarder } = {
      forward(scope, receive, send) {
        return this.self[method](scope, receive, send)
      },
    }
    target = methods.forward
    Object.setPrototypeOf(target, proto)
    targets.set(proto, target)
  }
  const ref = { self: null as unknown as Record<PropertyKey, ASGICallable> }
  const self = bind.call(target, ref) as unknown as T
  ref.self = self as unknown as Record<PropertyKey, ASGICallable>
  return self
}
