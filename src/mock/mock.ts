/** The mock layer: runtime overrides and named scenarios, answered in front of the app's own routes. */
import { createStore, del, get, set } from 'idb-keyval'
import type { ASGIApp, HTTPScope, Receive, Scope, Send } from '../types.js'
import { STEER, type MockAction, type MockReply, type MockState } from '../messages.js'
import { asgiCallable } from '../callable.js'
import { scopeURL, urlScope } from '../scope.js'
import { splitURL } from '../urls.js'
import type { RequestScope } from '../requests.js'
import type { BaseRoute } from '../routing/route.js'
import { changeChannel } from '../change-channel.js'
import { overrideRoute, type OverrideSpec } from './override.js'

/** A route, or an override described as data. */
export type Handler = BaseRoute | OverrideSpec

/** Where the active scenario's name is kept across worker restarts. */
export interface ScenarioStore {
  get(): Promise<string | undefined>
  set(name: string | null): Promise<void>
}

/** Options of `mock()`. */
export interface MockOptions {
  /** Named sets of routes; `useScenario(name)` puts one in front of the app (behind the overrides). */
  scenarios?: Record<string, Handler[]>
  /** Keep the active scenario across worker restarts: in IndexedDB (default, when there is one), a store of yours, or not (false). */
  persist?: boolean | ScenarioStore
  /**
   * The BroadcastChannel through which layers that share the store tell each other of a switch, so
   * that a worker follows a scenario chosen through another (a new version installing beside the
   * one that answers, workers of other scopes). By default `swasgi-mock` with the default store,
   * none with a store of yours; null: none.
   */
  channel?: string | null
}

interface AppWithRoutes {
  answersURL?(url: URL, method: string, rootPath?: string): boolean
}

const KEY = 'scenario'

/** The default store: one idb-keyval database, made on first use. */
function idbStore(): ScenarioStore {
  let store: ReturnType<typeof createStore> | undefined
  const db = () => (store ??= createStore('swasgi-mock', 'state'))
  return {
    get: () => get<string>(KEY, db()),
    set: (name) => (name === null ? del(KEY, db()) : set(KEY, name, db())),
  }
}

const memoryStore = (): ScenarioStore => ({ get: async () => undefined, set: async () => {} })

/** A request whose delay someone may end from outside (`abort`). */
interface Pending {
  method: string
  url: string
  controller: AbortController
}

/**
 * Wraps `app` in a mock layer, itself an ASGI app to give to `serve()`: runtime overrides (`use`),
 * then the active scenario's routes, then the app. Only routes that fully match (path and method)
 * answer; anything else falls through to the app.
 */
export class MockApp {
  declare readonly app: ASGIApp
  declare private overrides: BaseRoute[]
  declare private readonly onceRoutes: WeakSet<BaseRoute>
  declare private readonly scenarios: Map<string, BaseRoute[]>
  declare private active: string | null
  declare private loaded: boolean
  /** Counts this layer's switches: a read of the store that a switch overtook is dropped. */
  declare private switches: number
  declare private readonly channel: BroadcastChannel | undefined
  declare private readonly store: ScenarioStore
  /** Resolves once the persisted scenario (if any) is active. */
  declare readonly ready: Promise<void>
  declare private readonly pending: Set<Pending>
  declare private readonly signals: WeakMap<object, Pending>
  /** Synchronously, whether an override, the scenario or the app answers `url` (set when the app can tell). */
  declare readonly answersURL?: (url: URL, method: string, rootPath?: string) => boolean

  constructor(app: ASGIApp, options: MockOptions = {}) {
    const self = asgiCallable<this>(new.target.prototype, 'dispatch')
    const pending = new Set<Pending>()
    const signals = new WeakMap<object, Pending>()
    const scenarios = new Map<string, BaseRoute[]>()
    for (const [name, handlers] of Object.entries(options.scenarios ?? {})) {
      if (!Array.isArray(handlers)) throw new TypeError(`swasgi mock: scenario "${name}" must be a list of routes or overrides`)
      scenarios.set(name, handlers.map((handler) => self.toRoute(handler)))
    }
    const own = typeof options.persist === 'object'
    const saved = own || (options.persist !== false && typeof indexedDB !== 'undefined')
    const store = own ? (options.persist as ScenarioStore) : saved ? idbStore() : memoryStore()
    const channel = saved ? changeChannel(options.channel, own, 'swasgi-mock', () => void self.reload()) : undefined
    Object.assign(self, { app, overrides: [], onceRoutes: new WeakSet(), scenarios, active: null, loaded: false, switches: 0, store, pending, signals, channel })
    const inner = app as AppWithRoutes
    if (typeof inner.answersURL === 'function') {
      const answers = inner.answersURL.bind(inner)
      Object.assign(self, { answersURL: (url: URL, method: string, rootPath = '') => self.routeFor(urlScope(splitURL(url.href), method, { rootPath })) !== undefined || answers(url, method, rootPath) })
    }
    const ready = self.reload().finally(() => (self.loaded = true))
    Object.assign(self, { ready })
    return self
  }

  /** Overrides, newest first, in front of the scenario and the app (MSW's `worker.use`). */
  use(...handlers: Handler[]): void {
    this.overrides = [...handlers.map((handler) => this.toRoute(handler)), ...this.overrides]
  }

  /** Removes every override and leaves the scenario (MSW's `resetHandlers`, plus the scenario). */
  resetHandlers(): Promise<void> {
    this.overrides = []
    return this.useScenario(null)
  }

  /** Puts the scenario `name` in front of the app (null: none), kept across worker restarts. */
  async useScenario(name: string | null): Promise<void> {
    if (name !== null && !this.scenarios.has(name)) {
      throw new TypeError(`swasgi mock: no scenario named ${JSON.stringify(name)} (known: ${[...this.scenarios.keys()].map((n) => JSON.stringify(n)).join(', ') || 'none'})`)
    }
    this.loaded = true
    this.switches++
    this.active = name
    await this.store.set(name)
    this.channel?.postMessage(0)
  }

  /** Takes the scenario saved in the store (one this layer does not know is none), unless a switch here overtook the read. */
  private async reload(): Promise<void> {
    const switches = this.switches
    try {
      const name = await this.store.get()
      if (this.switches === switches) this.active = name !== undefined && this.scenarios.has(name) ? name : null
    } catch (error) {
      console.warn('swasgi mock: could not read the saved scenario', error)
    }
  }

  /** The active scenario's name, or null. */
  get scenario(): string | null {
    return this.active
  }

  /** The routes in front of the app (overrides, then the scenario's), then the app's own, for hints and reverse routing. */
  get routes(): BaseRoute[] {
    const own = (this.app as { routes?: unknown }).routes
    return [...this.overrides, ...(this.active === null ? [] : this.scenarios.get(this.active)!), ...(Array.isArray(own) ? own : [])]
  }

  /** What the layer holds now. */
  state(): MockState {
    return { scenario: this.active, scenarios: [...this.scenarios.keys()], overrides: this.overrides.length }
  }

  /** Carries out a page's request (see `MOCK_MESSAGE`); throws a TypeError on a bad one. */
  async control(message: MockAction): Promise<MockState> {
    switch (message?.action) {
      case 'use':
        if (!Array.isArray(message.overrides)) throw new TypeError('swasgi mock: "use" needs a list of overrides')
        this.use(...(message.overrides as OverrideSpec[]))
        break
      case 'reset':
        await this.resetHandlers()
        break
      case 'scenario':
        await this.useScenario(message.name)
        break
      case 'abort':
        this.abort(message.method, message.url)
        break
      case 'state':
        break
      default:
        throw new TypeError(`swasgi mock: unknown action ${JSON.stringify((message as { action?: unknown })?.action)}`)
    }
    return this.state()
  }

  /** A page's steering message, through serve()'s page channel: `control()`'s state, or its error, as the reply. */
  async [STEER](message: MockAction): Promise<MockReply> {
    try {
      return { ok: true, state: await this.control(message) }
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) }
    }
  }

  /** Ends the oldest pending delay of a request for `method` and `url` (a client abort the worker cannot see). */
  abort(method: string, url: string): boolean {
    for (const entry of this.pending) {
      if (entry.method === method.toUpperCase() && entry.url === url) {
        this.pending.delete(entry)
        entry.controller.abort()
        return true
      }
    }
    return false
  }

  /**
   * The signal that ends when the page aborts this request (a `Request` or its scope), for
   * `delay('infinite', signal)` in a handler. In Chromium the worker never hears of an abort that
   * comes before the response starts, so only `abort()` (the Playwright fixture, or the page) ends it.
   */
  signalOf(request: { scope: object } | Scope): AbortSignal {
    const scope = 'type' in request ? request : request.scope
    let entry = this.signals.get(scope)
    if (entry === undefined) {
      const http = scope as HTTPScope
      entry = { method: http.method, url: scopeURL(http).href, controller: new AbortController() }
      this.signals.set(scope, entry)
      this.pending.add(entry)
    }
    return entry.controller.signal
  }

  /** The ASGI entry point. */
  async dispatch(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type !== 'http') return this.app(scope, receive, send)
    if (!this.loaded) await this.ready
    const found = this.routeFor(scope as RequestScope)
    try {
      if (found === undefined) return await this.app(scope, receive, send)
      const [route, child] = found
      if (this.onceRoutes.has(route)) this.overrides = this.overrides.filter((other) => other !== route)
      Object.assign(scope, child)
      await route.handle(scope as RequestScope, receive, send)
    } finally {
      const entry = this.signals.get(scope)
      if (entry !== undefined) this.pending.delete(entry)
    }
  }

  /** The first override or scenario route that fully matches. */
  private routeFor(scope: RequestScope): [BaseRoute, Partial<RequestScope>] | undefined {
    for (const routes of [this.overrides, this.active === null ? [] : this.scenarios.get(this.active)!]) {
      for (const route of routes) {
        const [match, child] = route.matches(scope)
        if (match === 'full') return [route, child]
      }
    }
    return undefined
  }

  private toRoute(handler: Handler): BaseRoute {
    if (typeof (handler as BaseRoute)?.matches === 'function' && typeof (handler as BaseRoute).handle === 'function') return handler as BaseRoute
    const spec = handler as OverrideSpec
    const route = overrideRoute(spec, (scope) => this.signalOf(scope as Scope))
    if (spec.once) this.onceRoutes.add(route)
    return route
  }
}

// A MockApp is called as an ASGI app.
export interface MockApp {
  (scope: Scope, receive: Receive, send: Send): Promise<void>
}

/** Wraps `app` in a mock layer (see `MockApp`). */
export function mock(app: ASGIApp, options: MockOptions = {}): MockApp {
  return new MockApp(app, options)
}
