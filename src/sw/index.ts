/** swasgi/sw: the Fetch <-> ASGI adapter and the service-worker listener that installs it. */
export { handle, requestScope, type FetchHandler, type HandleOptions, type LifetimeEvent } from './handle.js'
/** @deprecated Use `unquotePath` from 'swasgi/sw' (Python's unquote, which the scope's path uses). */
export { unquotePath as decodePath, unquotePath } from '../urls.js'
export { serve, CLAIM_MESSAGE, type ServeOptions } from './serve.js'
export { matcher, type Match, type MatchingApp } from './match.js'
export { CookieJar, parseSetCookie, type CookieStoreLike, type StoredCookie } from './cookie-jar.js'
