import type { ASGIApp } from '../types.js'

/** Which requests `serve()` hands to the app: a path prefix, a RegExp tested on the path, or a predicate. */
export type RequestFilter = string | RegExp | ((url: URL, request: Request) => boolean)

/** An app that can tell synchronously whether it answers a URL (swasgi's `Router` and `App` can). */
export interface MatchingApp {
  answersURL?(url: URL, method: string, rootPath?: string): boolean
  /** @deprecated The old name of `answersURL`, still honoured. */
  matches?(url: URL, method: string, rootPath?: string): boolean
}

/** Compiles `filter` (or the default for `app`) into the synchronous ownership test. */
export function matcher(
  filter: RequestFilter | undefined,
  app: ASGIApp,
  origin: string,
  workerURL: string,
  rootPath = '',
): (url: URL, request: Request) => boolean {
  if (typeof filter === 'function') return filter
  if (typeof filter === 'string') return (url) => url.origin === origin && url.pathname.startsWith(filter)
  if (filter instanceof RegExp) return (url) => url.origin === origin && filter.test(url.pathname)
  const routed = app as MatchingApp
  const answers = typeof routed.answersURL === 'function' ? routed.answersURL : routed.matches
  if (typeof answers === 'function') return (url, request) => url.origin === origin && answers.call(routed, url, request.method.toUpperCase(), rootPath)
  return (url) => url.origin === origin && url.href !== workerURL
}
