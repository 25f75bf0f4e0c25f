/** swasgi/client: the page side. */
export { register, type RegisterOptions } from './register.js'
