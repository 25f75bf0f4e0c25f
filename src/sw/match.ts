import type { ASGIApp } from '../types.js'

/** Which requests the app answers: a path prefix, a RegExp tested on the path, or a predicate. */
export type Match = string | RegExp | ((url: URL, request: Request) => boolean)

/** An app that can tell synchronously whether it answers a URL (swasgi's router does). */
export interface MatchingApp {
  matches(url: URL, method: string, rootPath?: string): boolean
}

/** Compiles `match` (or the default for `app`) into the synchronous ownership test. */
export function matcher(
  match: Match | undefined,
  app: ASGIApp,
  origin: string,
  workerURL: string,
  rootPath = '',
): (url: URL, request: Request) => boolean {
  if (typeof match === 'function') return match
  if (typeof match === 'string') return (url) => url.origin === origin && url.pathname.startsWith(match)
  if (match instanceof RegExp) return (url) => url.origin === origin && match.test(url.pathname)
  const router = app as Partial<MatchingApp>
  if (typeof router.matches === 'function') return (url, request) => url.origin === origin && router.matches!(url, request.method, rootPath)
  return (url) => url.origin === origin && url.href !== workerURL
}
