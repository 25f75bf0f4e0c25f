import type { ASGIApp, HTTPScope, Message, Send } from '../types.js'
import { MutableHeaders, type RawHeaders } from '../datastructures.js'
import { PlainTextResponse } from '../responses/response.js'

/** Options of `cors()`, Starlette's CORSMiddleware arguments. */
export interface CORSOptions {
  /** Allowed origins, or `['*']` for any. */
  allowOrigins?: readonly string[]
  /** Origins allowed by a regular expression matching the whole origin. */
  allowOriginRegex?: RegExp | string
  /** Methods allowed on cross-origin requests (default `['GET']`; `['*']` for all). */
  allowMethods?: readonly string[]
  /** Request headers allowed beyond the CORS-safelisted ones (`['*']` mirrors whatever is asked). */
  allowHeaders?: readonly string[]
  /** Whether to allow cookies and credentials (and so name the origin rather than `*`). */
  allowCredentials?: boolean
  /** Response headers the browser may show to scripts. */
  exposeHeaders?: readonly string[]
  /** How long (seconds) browsers may cache a preflight answer (default 600). */
  maxAge?: number
}

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']
const SAFELISTED_HEADERS = ['Accept', 'Accept-Language', 'Content-Language', 'Content-Type']

/** The regex anchored at both ends (Python's fullmatch), without the stateful g/y flags. */
function fullMatch(regex: RegExp | string | undefined): RegExp | undefined {
  if (regex === undefined) return undefined
  const source = typeof regex === 'string' ? regex : regex.source
  return new RegExp(`^(?:${source})$`, typeof regex === 'string' ? '' : regex.flags.replace(/[gy]/g, ''))
}

/**
 * CORS as Starlette's CORSMiddleware does it: preflight requests (OPTIONS with
 * Access-Control-Request-Method) are answered here, 400 listing what was refused; other requests
 * with an Origin get the allow headers added to their response.
 */
export function cors(options: CORSOptions = {}): (app: ASGIApp) => ASGIApp {
  const allowOrigins = options.allowOrigins ?? []
  const allowMethods = options.allowMethods?.includes('*') ? ALL_METHODS : (options.allowMethods ?? ['GET'])
  const allowAllOrigins = allowOrigins.includes('*')
  const allowAllHeaders = options.allowHeaders?.includes('*') ?? false
  const allowCredentials = options.allowCredentials ?? false
  const originRegex = fullMatch(options.allowOriginRegex)
  // With credentials, browsers refuse `*`, so the request's origin is echoed instead.
  const explicitOrigin = !allowAllOrigins || allowCredentials
  const allowHeaders = [...new Set([...SAFELISTED_HEADERS, ...(options.allowHeaders ?? [])])].sort()
  const allowedHeaderNames = new Set(allowHeaders.map((name) => name.toLowerCase()))

  const simpleHeaders: [string, string][] = []
  if (allowAllOrigins) simpleHeaders.push(['access-control-allow-origin', '*'])
  if (allowCredentials) simpleHeaders.push(['access-control-allow-credentials', 'true'])
  if (options.exposeHeaders?.length) simpleHeaders.push(['access-control-expose-headers', options.exposeHeaders.join(', ')])

  const preflightHeaders: [string, string][] = [explicitOrigin ? ['vary', 'Origin'] : ['access-control-allow-origin', '*']]
  preflightHeaders.push(['access-control-allow-methods', allowMethods.join(', ')], ['access-control-max-age', String(options.maxAge ?? 600)])
  if (!allowAllHeaders) preflightHeaders.push(['access-control-allow-headers', allowHeaders.join(', ')])
  if (allowCredentials) preflightHeaders.push(['access-control-allow-credentials', 'true'])

  const isAllowedOrigin = (origin: string) => allowAllOrigins || originRegex?.test(origin) === true || allowOrigins.includes(origin)

  function preflight(requestHeaders: MutableHeaders): PlainTextResponse {
    const origin = requestHeaders.get('origin') as string
    const headers = new MutableHeaders(preflightHeaders)
    const failures: string[] = []
    if (!isAllowedOrigin(origin)) failures.push('origin')
    else if (explicitOrigin) headers.set('access-control-allow-origin', origin)
    if (!allowMethods.includes(requestHeaders.get('access-control-request-method') as string)) failures.push('method')
    const requested = requestHeaders.get('access-control-request-headers')
    if (allowAllHeaders && requested !== null) headers.set('access-control-allow-headers', requested)
    else if (requested !== null && requested.split(',').some((name) => !allowedHeaderNames.has(name.trim().toLowerCase()))) failures.push('headers')
    // The browser enforces the policy either way; a 400 saying why is kinder to whoever debugs it.
    if (failures.length > 0) return new PlainTextResponse(`Disallowed CORS ${failures.join(', ')}`, { statusCode: 400, headers: headers.entries() })
    return new PlainTextResponse('OK', { statusCode: 200, headers: headers.entries() })
  }

  function addSimpleHeaders(message: Message, requestHeaders: MutableHeaders): Message {
    // A copy: the list may be a Response's own headers, which must not change for later requests.
    const headers = new MutableHeaders(null, [...((message.headers as RawHeaders | undefined) ?? [])])
    for (const [name, value] of simpleHeaders) headers.set(name, value)
    const origin = requestHeaders.get('origin') as string
    // A request with cookies must not get `*`; a listed origin is echoed back.
    if ((allowAllOrigins && requestHeaders.has('cookie')) || (!allowAllOrigins && isAllowedOrigin(origin))) {
      headers.set('access-control-allow-origin', origin)
      headers.addVaryHeader('Origin')
    }
    return { ...message, headers: headers.raw }
  }

  return (app) => async (scope, receive, send) => {
    if (scope.type !== 'http') return app(scope, receive, send)
    const requestHeaders = MutableHeaders.fromScope(scope as HTTPScope)
    if (!requestHeaders.has('origin')) return app(scope, receive, send)
    if (scope.method === 'OPTIONS' && requestHeaders.has('access-control-request-method')) {
      return preflight(requestHeaders)(scope, receive, send)
    }
    const corsSend: Send = (message) => send(message.type === 'http.response.start' ? addSimpleHeaders(message, requestHeaders) : message)
    await app(scope, receive, corsSend)
  }
}
