import type { ASGIApp, HTTPScope, Receive, Scope, Send } from './types.js'
import { asgiCallable } from './callable.js'
import { HTTPException } from './exceptions.js'
import { Request, type RequestScope } from './requests.js'
import { PlainTextResponse, Response } from './responses/response.js'
import { Router } from './routing/router.js'
import type { BaseRoute } from './routing/route.js'

/** ASGI middleware: a function that wraps an app in another app. */
export type Middleware = (app: ASGIApp) => ASGIApp

/** Turns an error into a response. `error` is `any` so handlers may declare the class they handle. */
export type ExceptionHandler = (request: Request, error: any) => Response | Promise<Response>

/** An error class, as a key of `exceptionHandlers`. */
export type ErrorClass = abstract new (...args: any[]) => unknown

/** Options of an App, Python's keyword arguments to `Starlette(...)`. */
export interface AppOptions {
  routes?: BaseRoute[]
  /** Answer unhandled errors with a 500 carrying the stack trace, instead of rethrowing them. */
  debug?: boolean
  /** Applied outermost first: `[a, b]` gives `a(b(app))`. */
  middleware?: Middleware[]
  /**
   * Handlers by HTTP status (for HTTPExceptions) or by error class (the nearest superclass wins).
   * `500` or `Error` handles every otherwise unhandled error, outside the middleware.
   */
  exceptionHandlers?: Iterable<readonly [number | ErrorClass, ExceptionHandler]>
}

// An app is called as an ASGI app: `await app(scope, receive, send)`.
export interface App {
  (scope: Scope, receive: Receive, send: Send): Promise<void>
}

function httpExceptionResponse(_request: Request, error: HTTPException): Response {
  if (error.statusCode === 204 || error.statusCode === 304) return new Response(null, { statusCode: error.statusCode, headers: error.headers })
  return new PlainTextResponse(error.detail, { statusCode: error.statusCode, headers: error.headers })
}

function debugResponse(_request: Request, error: unknown): Response {
  return new PlainTextResponse(error instanceof Error && error.stack ? error.stack : String(error), 500)
}

/**
 * Wraps an app so that the handler `choose` picks answers what it throws. Once the response has
 * started it is too late to answer, so the error goes on to the server as it is.
 */
function handling(app: ASGIApp, choose: (error: unknown) => ExceptionHandler | undefined): ASGIApp {
  return async (scope, receive, send) => {
    if (scope.type !== 'http') return app(scope, receive, send)
    let started = false
    const tracked: Send = (message) => {
      if (message.type === 'http.response.start') started = true
      return send(message)
    }
    try {
      await app(scope, receive, tracked)
    } catch (error) {
      const handler = choose(error)
      if (handler === undefined || started) throw error
      const response = await handler(new Request(scope as HTTPScope, receive), error)
      await response(scope, receive, send)
    }
  }
}

/**
 * The application, like Starlette's: a Router plus error handling and middleware, itself an ASGI
 * app to give to `serve()` or `handle()`. HTTPExceptions become responses (inside the middleware);
 * other errors are rethrown to the server (outside it) unless `debug` or a 500 handler answers them.
 */
export class App {
  declare readonly router: Router
  declare readonly debug: boolean
  /** Application-wide storage (Starlette's `app.state`). */
  declare readonly state: Record<string, unknown>
  declare private readonly statusHandlers: Map<number, ExceptionHandler>
  declare private readonly classHandlers: Map<ErrorClass, ExceptionHandler>
  declare private readonly stack: ASGIApp

  constructor(options: AppOptions = {}) {
    const self = asgiCallable<this>(new.target.prototype, 'dispatch')
    const statusHandlers = new Map<number, ExceptionHandler>()
    const classHandlers = new Map<ErrorClass, ExceptionHandler>([[HTTPException, httpExceptionResponse]])
    let errorHandler: ExceptionHandler | undefined
    for (const [key, handler] of options.exceptionHandlers ?? []) {
      if (key === 500 || key === Error) errorHandler = handler
      else if (typeof key === 'number') statusHandlers.set(key, handler)
      else classHandlers.set(key, handler)
    }
    const router = new Router(options.routes ?? [])
    Object.assign(self, { router, debug: options.debug ?? false, state: {}, statusHandlers, classHandlers })
    // Starlette's stack: server errors, then the user's middleware, then exceptions, then the router.
    const inner = handling(router, (error) => self.handlerFor(error))
    const wrapped = (options.middleware ?? []).reduceRight<ASGIApp>((app, middleware) => middleware(app), inner)
    Object.assign(self, { stack: handling(wrapped, () => (self.debug ? debugResponse : errorHandler)) })
    return self
  }

  /** The router's routes. */
  get routes(): BaseRoute[] {
    return this.router.routes
  }

  /** The ASGI entry point. */
  async dispatch(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type === 'http') (scope as RequestScope).app = this
    await this.stack(scope, receive, send)
  }

  /** The URL path of the route `name` (see `Router.urlPathFor`). */
  urlPathFor(name: string, params: Record<string, unknown> = {}): string {
    return this.router.urlPathFor(name, params)
  }

  /** Whether a route answers the scope (see `Router.answers`), so that a mounted App is asked too. */
  answers(scope: RequestScope): boolean {
    return this.router.answers(scope)
  }

  /** Synchronously, whether a route would answer `url` (see `Router.answersURL`); middleware is not consulted. */
  answersURL(url: URL, method: string, rootPath = ''): boolean {
    return this.router.answersURL(url, method, rootPath)
  }

  /** @deprecated The old name of `answersURL`. */
  matches(url: URL, method: string, rootPath = ''): boolean {
    return this.answersURL(url, method, rootPath)
  }

  private handlerFor(error: unknown): ExceptionHandler | undefined {
    if (error instanceof HTTPException) {
      const byStatus = this.statusHandlers.get(error.statusCode)
      if (byStatus !== undefined) return byStatus
    }
    if (typeof error !== 'object' || error === null) return undefined
    for (let proto = Object.getPrototypeOf(error); proto !== null && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
      const handler = this.classHandlers.get(proto.constructor)
      if (handler !== undefined) return handler
    }
    return undefined
  }
}
