/** The messages a page and its swasgi worker exchange with postMessage (the page bundle imports only this). */

/** Sent by a page that a hard reload left uncontrolled: the worker claims it (see `register()`). */
export const CLAIM_MESSAGE = 'swasgi:claim'
