/** The service-worker side: the Fetch <-> ASGI adapter and the listener that installs it. */
export { handle, type HandleOptions } from './handle.js'
export { serve, type ServeOptions } from './serve.js'
