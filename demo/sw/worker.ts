/**
 * The demo's service worker: precaches the built assets, then hands every request the notes app
 * has a route for (and any other navigation, for its 404 page) to `serve(app)`.
 */
import { setCacheNameDetails } from 'workbox-core'
import { cleanupOutdatedCaches, getCacheKeyForURL, precacheAndRoute } from 'workbox-precaching'
import { precache } from 'swasgi:build'
import { serve } from '../../src/sw/index.js'
import { app } from './app.js'

declare const self: ServiceWorkerGlobalScope

// Workbox names its cache after the scope URL; `notes-assets` reads better in `cache://` paths.
setCacheNameDetails({ prefix: 'notes', precache: 'assets', suffix: '' })
precacheAndRoute(precache)
cleanupOutdatedCaches()

serve(app, {
  match: (url, request) =>
    url.origin === self.location.origin &&
    (app.matches(url, request.method) || (request.mode === 'navigate' && url.pathname !== '/sw.js' && getCacheKeyForURL(url.href) === undefined)),
})
