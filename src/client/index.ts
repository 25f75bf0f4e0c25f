/** swasgi/client: the page side. */
export { register, awaitControl, type RegisterOptions } from './register.js'
