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
 * function drops every instance into slow dictionary mode (in Node 20 a small JSONResponse took
 * about 5 µs to build that way, 0.7 µs this way under tsx; see bench/node/json.bench.mts).
 */
export function asgiCallable<T extends object>(proto: object, method: keyof T & PropertyKey): T {
  let target = targets.get(proto)
  if (target === undefined) {
    // A method, not a function expression: transpilers that keep names (tsx, esbuild's keepNames)
    // redefine an expression's `name`, which makes every bind of it 3x slower (Node 20: 290 ns, 90 ns).
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
