/** swasgi/sw: the Fetch <-> ASGI adapter and the service-worker listener that installs it. */
export { handle, requestScope, decodePath, type FetchHandler, type HandleOptions, type LifetimeEvent } from './handle.js'
