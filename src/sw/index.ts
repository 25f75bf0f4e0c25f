/** swasgi/sw: the Fetch <-> ASGI adapter and the service-worker listener that installs it. */
export { handle, requestScope, decodePath, type FetchHandler, type HandleOptions, type LifetimeEvent } from './handle.js'
export { serve, CLAIM_MESSAGE, type ServeOptions } from './serve.js'
export { matcher, type Match, type MatchingApp } from './match.js'
export { CookieJar, parseSetCookie, type BrowserCookie, type CookieStoreLike, type RequestSite, type SiteOf, type StoredCookie } from './cookie-jar.js'
export { siteTeller, siteOf, type ClientsLike, type SiteEvent } from './same-site.js'
