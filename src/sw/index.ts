/** swasgi/sw: the Fetch <-> ASGI adapter and the service-worker listener that installs it. */
export { handle, requestScope, type FetchHandler, type HandleOptions, type LifetimeEvent } from './handle.js'
/** @deprecated Use `unquotePath` from 'swasgi/sw' (Python's unquote, which the scope's path uses). */
export { unquotePath as decodePath, unquotePath } from '../urls.js'
export { serve, type ServeOptions } from './serve.js'
export { CLAIM_MESSAGE } from '../messages.js'
export { matcher, type RequestFilter, type MatchingApp } from './filter.js'
/** @deprecated The old name of `RequestFilter` (routing's `Match` is a different idea). */
export type { RequestFilter as Match } from './filter.js'
export { CookieJar, parseSetCookie, type BrowserCookie, type CookieStoreLike, type RequestSite, type SiteOf, type StoredCookie } from './cookie-jar.js'
export { siteTeller, siteOf, type ClientsLike, type SiteEvent } from './same-site.js'
export { RequestEvents, type RequestListener } from './events.js'
export type { Served } from './serve.js'
export type { UnhandledStrategy } from './unhandled.js'
export type { RequestEventData, RequestEventType } from '../messages.js'
