/** The messages a page and its swasgi worker exchange with postMessage (the page bundle imports only this). */

/** Sent by a page that a hard reload left uncontrolled: the worker claims it (see `register()`). */
export const CLAIM_MESSAGE = 'swasgi:claim'

// Cookie sync, where the worker's Cookie Store API cannot reach the browser's jar (see the README's "Cookies").
/** Page → worker, with a port: this page runs register() (its `cookie` is document.cookie); the worker answers with cookies to write. */
export const COOKIES_HELLO = 'swasgi:cookies:hello'
/** Page → worker: the page's document.cookie as it hides or leaves, for requests made while no page can answer. */
export const COOKIES_REPORT = 'swasgi:cookies:report'
/** Worker → page, with a port: answer with document.cookie. */
export const COOKIES_READ = 'swasgi:cookies:read'
/** Worker → page, with a port: assign each of `cookies` to document.cookie, then answer. */
export const COOKIES_WRITE = 'swasgi:cookies:write'
