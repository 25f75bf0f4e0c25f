/** swasgi/har: replay HAR recordings (Playwright's `recordHar`) as an ASGI app. */
export { harApp, type HarApp, type HarAppOptions } from './app.js'
export { loadHar, type LoadHarOptions } from './load.js'
export type { Har, HarContent, HarCookie, HarEntry, HarPair } from './types.js'
