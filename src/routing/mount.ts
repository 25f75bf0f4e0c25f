import type { ASGIApp, Receive, Send } from '../types.js'
import type { RequestScope } from '../requests.js'
import { quotePath } from '../urls.js'
import { compilePath, matchPath, replaceParams, routePath, type CompiledPath } from './paths.js'
import { NoMatchFound, reversePath, type BaseRoute, type Match } from './route.js'
import { Router } from './router.js'

/** Options of a Mount. */
export interface MountOptions {
  /** The name for `urlFor`: `'name'` with a `path` parameter, or `'name:child'` for its routes. */
  name?: string
}

/** An app implementing reverse routing and the synchronous `answers` check (a Router or an App). */
interface RoutedApp {
  routes?: BaseRoute[]
  answers?(scope: RequestScope): boolean
}

/**
 * Hands everything below a path prefix to another app (or to a Router over `routes`). The app sees
 * the full path, with the prefix added to `root_path`, as current Starlette does.
 */
export class Mount implements BaseRoute {
  readonly path: string
  readonly app: ASGIApp
  readonly name: string | undefined
  readonly #compiled: CompiledPath

  constructor(path: string, app: ASGIApp | { routes: BaseRoute[] }, options: MountOptions = {}) {
    if (path !== '' && !path.startsWith('/')) throw new TypeError(`Routed paths must start with '/': ${JSON.stringify(path)}`)
    this.path = path.replace(/\/+$/, '')
    this.app = typeof app === 'function' ? app : new Router(app.routes)
    this.name = options.name
    this.#compiled = compilePath(`${this.path}/{path:path}`)
  }

  /** The mounted app's routes, for reverse routing (none for a plain ASGI app). */
  get routes(): BaseRoute[] {
    return (this.app as RoutedApp).routes ?? []
  }

  matches(scope: RequestScope): [Match, Partial<RequestScope>] {
    const path = routePath(scope)
    const params = matchPath(this.#compiled, path)
    if (params === undefined) return ['none', {}]
    const { path: rest, ...own } = params
    const matched = path.slice(0, path.length - `/${rest as string}`.length)
    return [
      'full',
      {
        path_params: { ...scope.path_params, ...own },
        app_root_path: scope.app_root_path ?? scope.root_path,
        root_path: scope.root_path + matched,
      },
    ]
  }

  handle(scope: RequestScope, receive: Receive, send: Send): Promise<void> {
    return this.app(scope, receive, send)
  }

  answers(scope: RequestScope): boolean {
    const app = this.app as RoutedApp
    return typeof app.answers === 'function' ? app.answers(scope) : true
  }

  urlPathFor(name: string, params: Record<string, unknown>): string {
    if (this.name !== undefined && name === this.name && 'path' in params) {
      const [path, remaining] = replaceParams(this.#compiled, { ...params, path: String(params.path).replace(/^\/+/, '') })
      if (Object.keys(remaining).length === 0) return quotePath(path)
    } else if (this.name === undefined || name.startsWith(`${this.name}:`)) {
      const childName = this.name === undefined ? name : name.slice(this.name.length + 1)
      const { path: childPath, ...rest } = params
      const [prefix, remaining] = replaceParams(this.#compiled, { ...rest, path: '' })
      if (childPath !== undefined) remaining.path = childPath
      try {
        return quotePath(prefix.replace(/\/+$/, '')) + reversePath(this.routes, childName, remaining)
      } catch (error) {
        if (!(error instanceof NoMatchFound)) throw error
      }
    }
    throw new NoMatchFound(name, params)
  }
}
