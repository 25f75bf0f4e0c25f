import type { ASGIApp, HTTPScope, Receive, Send } from '../types.js'
import { Request, type RequestScope } from '../requests.js'
import { quotePath } from '../urls.js'
import type { Response } from '../responses/response.js'
import { refuse } from './refuse.js'
import { compilePath, matchPath, replaceParams, routePath, type CompiledPath } from './paths.js'

/** How a route matched a scope: not at all, by path only (wrong method), or fully. */
export type Match = 'none' | 'partial' | 'full'

/** What a Router holds: anything that matches scopes, handles them and reverses names into paths. */
export interface BaseRoute {
  /** How this route matches the scope, and the scope keys to set before `handle` when it does. */
  matches(scope: RequestScope): [Match, Partial<RequestScope>]
  /** Answers a scope this route matched (with the keys from `matches` applied). */
  handle(scope: RequestScope, receive: Receive, send: Send): Promise<void>
  /** The URL path (percent-encoded) for a route name and its parameters; throws NoMatchFound. */
  urlPathFor(name: string, params: Record<string, unknown>): string
  /** Whether a fully matched scope gets a real answer rather than a 404 further in (mounts ask their app). */
  answers?(scope: RequestScope): boolean
}

/** Thrown by reverse routing when no route has that name and those parameters. */
export class NoMatchFound extends Error {
  constructor(name: string, params: Record<string, unknown>) {
    super(`No route exists for name "${name}" and params "${Object.keys(params).join(', ')}".`)
    this.name = 'NoMatchFound'
  }
}

/** The path of the first of `routes` that reverses `name` with `params`; throws NoMatchFound when none does. */
export function reversePath(routes: readonly BaseRoute[], name: string, params: Record<string, unknown>): string {
  for (const route of routes) {
    try {
      return route.urlPathFor(name, params)
    } catch (error) {
      if (!(error instanceof NoMatchFound)) throw error
    }
  }
  throw new NoMatchFound(name, params)
}

/** A handler in Starlette's style: takes the request, returns the response to send. */
export type Endpoint = (request: Request) => Response | Promise<Response>

/** A raw ASGI app given to a Route, wrapped so that it cannot be mistaken for an Endpoint. */
export interface ASGIEndpoint {
  asgi: ASGIApp
}

/** Options of a Route, Python's keyword arguments. */
export interface RouteOptions {
  /** Methods answered; default `['GET']` for an Endpoint, every method for `{ asgi }`. GET brings HEAD. */
  methods?: readonly string[]
  /** The name for `urlFor`; default the endpoint function's own name. */
  name?: string
}

function requestResponse(endpoint: Endpoint): ASGIApp {
  return async (scope, receive, send) => {
    const response: unknown = await endpoint(new Request(scope as HTTPScope, receive))
    if (typeof response !== 'function') {
      throw new TypeError(`Endpoint ${endpoint.name || '(anonymous)'} returned ${String(response)}, not a Response`)
    }
    await (response as ASGIApp)(scope, receive, send)
  }
}

/**
 * A path, an endpoint and the methods it answers. The endpoint is a function of the request
 * (`async (request) => new JSONResponse(...)`) or, wrapped as `{ asgi: app }`, a raw ASGI app.
 */
export class Route implements BaseRoute {
  readonly path: string
  readonly endpoint: Endpoint | ASGIEndpoint
  /** Methods answered (HEAD added with GET), or undefined for every method. */
  readonly methods: readonly string[] | undefined
  readonly name: string | undefined
  /** The ASGI app that answers a matched request. */
  readonly app: ASGIApp
  readonly #compiled: CompiledPath

  constructor(path: string, endpoint: Endpoint | ASGIEndpoint, options: RouteOptions = {}) {
    if (!path.startsWith('/')) throw new TypeError(`Routed paths must start with '/': ${JSON.stringify(path)}`)
    const raw = typeof endpoint !== 'function'
    if (raw && typeof endpoint?.asgi !== 'function') throw new TypeError('A Route endpoint is a function of the request, or { asgi: app }')
    this.path = path
    this.endpoint = endpoint
    this.app = raw ? endpoint.asgi : requestResponse(endpoint)
    this.name = options.name ?? (raw ? undefined : endpoint.name || undefined)
    const methods = options.methods ?? (raw ? undefined : ['GET'])
    if (methods !== undefined) {
      const set = new Set(methods.map((method) => method.toUpperCase()))
      if (set.has('GET')) set.add('HEAD')
      this.methods = [...set]
    }
    this.#compiled = compilePath(path)
  }

  matches(scope: RequestScope): [Match, Partial<RequestScope>] {
    const params = matchPath(this.#compiled, routePath(scope))
    if (params === undefined) return ['none', {}]
    const child = { path_params: { ...scope.path_params, ...params } }
    return [this.methods !== undefined && !this.methods.includes(scope.method) ? 'partial' : 'full', child]
  }

  async handle(scope: RequestScope, receive: Receive, send: Send): Promise<void> {
    if (this.methods !== undefined && !this.methods.includes(scope.method)) {
      await refuse(405, scope, receive, send, { allow: this.methods.join(', ') })
      return
    }
    await this.app(scope, receive, send)
  }

  urlPathFor(name: string, params: Record<string, unknown>): string {
    const expected = Object.keys(this.#compiled.convertors)
    const given = Object.keys(params)
    if (name !== this.name || given.length !== expected.length || !expected.every((key) => key in params)) {
      throw new NoMatchFound(name, params)
    }
    return quotePath(replaceParams(this.#compiled, params)[0])
  }
}
