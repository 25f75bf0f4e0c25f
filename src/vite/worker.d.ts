// What the swasgi Vite plugin gives the worker's build. In the worker's source:
// /// <reference types="swasgi/vite/worker" />

declare module 'swasgi:build' {
  /** One built file to precache, in Workbox's format (`precacheAndRoute(precache)`). */
  export interface PrecacheEntry {
    url: string
    /** A hash of the content, or null when the URL itself changes with the content. */
    revision: string | null
  }
  /** Every built file (`vite build`); empty under `vite dev`, where nothing is precached. */
  export const precache: PrecacheEntry[]
  /**
   * The script and stylesheets each HTML page of the app loads, keyed by its path ('index.html'):
   * what a page the worker renders links to use the app's bundle (under `vite dev`, Vite's client too).
   */
  export const pages: Record<string, { scripts: string[]; styles: string[] }>
}
