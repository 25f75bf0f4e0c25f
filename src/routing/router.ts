import type { Receive, Scope, Send } from '../types.js'
import { asgiCallable } from '../callable.js'
import type { RequestScope } from '../requests.js'
import { scopeURL, urlScope } from '../scope.js'
import { splitURL } from '../urls.js'
import { RedirectResponse } from '../responses/redirect.js'
import { routePath } from './paths.js'
import { reversePath, type BaseRoute, type Match } from './route.js'
import { refuse } from './refuse.js'

/** Options of a Router. */
export interface RouterOptions {
  /** Redirect (307) `/a/` to `/a` and `/a` to `/a/` when only the other one matches (default true). */
  redirectSlashes?: boolean
}

// A router is called as an ASGI app: `await router(scope, receive, send)`.
export interface Router {
  (scope: Scope, receive: Receive, send: Send): Promise<void>
}

/** Acknowledges the lifespan protocol: the router has no startup or shutdown work of its own. */
async function lifespan(receive: Receive, send: Send): Promise<void> {
  for (;;) {
    const message = await receive()
    if (message.type === 'lifespan.startup') await send({ type: 'lifespan.startup.complete' })
    if (message.type === 'lifespan.shutdown') return send({ type: 'lifespan.shutdown.complete' })
  }
}

/**
 * An ASGI app that dispatches to the first route matching the path and method: 405 (with `Allow`)
 * when only the path matched, a trailing-slash redirect when the other spelling matches, else 404.
 */
export class Router {
  declare readonly routes: BaseRoute[]
  declare readonly redirectSlashes: boolean

  constructor(routes: BaseRoute[] = [], options: RouterOptions = {}) {
    const self = asgiCallable<this>(new.target.prototype, 'dispatch')
    Object.assign(self, { routes, redirectSlashes: options.redirectSlashes ?? true })
    return self
  }

  /** The first full match, else the first partial one (which answers 405). */
  private find(scope: RequestScope): [BaseRoute, Match, Partial<RequestScope>] | undefined {
    let partial: [BaseRoute, Match, Partial<RequestScope>] | undefined
    for (const route of this.routes) {
      const [match, child] = route.matches(scope)
      if (match === 'full') return [route, match, child]
      if (match === 'partial') partial ??= [route, match, child]
    }
    return partial
  }

  /** The scope with the trailing slash toggled, when a route matches that spelling. */
  private slashRedirect(scope: RequestScope): RequestScope | undefined {
    if (!this.redirectSlashes || routePath(scope) === '/') return undefined
    const path = scope.path.endsWith('/') ? withoutTrailingSlashes(scope.path) : `${scope.path}/`
    const redirected = { ...scope, path }
    return this.routes.some((route) => route.matches(redirected)[0] !== 'none') ? redirected : undefined
  }

  /** The ASGI entry point. */
  async dispatch(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type === 'lifespan') return lifespan(receive, send)
    const http = scope as RequestScope
    http.router ??= this
    const found = this.find(http)
    if (found !== undefined) {
      const [route, , child] = found
      Object.assign(http, child)
      return route.handle(http, receive, send)
    }
    const redirected = this.slashRedirect(http)
    if (redirected !== undefined) return new RedirectResponse(scopeURL(redirected).href)(scope, receive, send)
    await refuse(404, http, receive, send)
  }

  /** The URL path (percent-encoded, below the root path) of the route `name`; throws NoMatchFound. */
  urlPathFor(name: string, params: Record<string, unknown> = {}): string {
    return reversePath(this.routes, name, params)
  }

  /**
   * Whether a route answers the scope with its own response, possibly after a trailing-slash
   * redirect; a 404 or a 405 does not count.
   */
  answers(scope: RequestScope): boolean {
    const found = this.find(scope)
    if (found !== undefined) {
      const [route, match, child] = found
      return match === 'full' && (route.answers?.({ ...scope, ...child }) ?? true)
    }
    const redirected = this.slashRedirect(scope)
    return redirected !== undefined && this.answers(redirected)
  }

  /**
   * Synchronously, whether a request for `url` with `method` would be answered by a route (see
   * `answers`): a service worker asks this to decide whether to intercept. `rootPath` is the
   * prefix the app is served below, if any.
   */
  answersURL(url: URL, method: string, rootPath = ''): boolean {
    return this.answers(urlScope(splitURL(url.href), method, { rootPath }))
  }

  /** @deprecated The old name of `answersURL`. */
  matches(url: URL, method: string, rootPath = ''): boolean {
    return this.answersURL(url, method, rootPath)
  }
}

/** `path` less its trailing slashes (Python's rstrip('/')): a loop, as /\/+$/ backtracks quadratically on many slashes. */
function withoutTrailingSlashes(path: string): string {
  let end = path.length
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--
  return path.slice(0, end)
}
