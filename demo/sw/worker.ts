/**
 * The demo's service worker: precaches the built assets, then hands every request the notes app
 * has a route for (and any other navigation, for its 404 page) to `serve(app)`.
 */
import { setCacheNameDetails } from 'workbox-core'
import { cleanupOutdatedCaches, getCacheKeyForURL, precacheAndRoute } from 'workbox-precaching'
import { precache } from 'swasgi:build'
import { serve } from '../../src/sw/index.js'
import { delay, mock } from '../../src/mock/index.js'
import { Route } from '../../src/index.js'
import { app } from './app.js'

declare const self: ServiceWorkerGlobalScope

// Workbox names its cache after the scope URL; `notes-assets` reads better in `cache://` paths.
setCacheNameDetails({ prefix: 'notes', precache: 'assets', suffix: '' })
precacheAndRoute(precache)
cleanupOutdatedCaches()

// Scenarios to try the pages against a failing or slow backend (Settings, or ?scenario=down).
const mocked = mock(app, {
  scenarios: {
    down: [{ path: '/api/{rest:path}', status: 503, json: { error: 'The server is down (the "down" scenario, see Settings)' } }],
    slow: [new Route('/api/{rest:path}', { asgi: async (scope, receive, send) => (await delay(1500), app(scope, receive, send)) })],
  },
})

serve(mocked, {
  match: (url, request) =>
    url.origin === self.location.origin &&
    (mocked.answersURL!(url, request.method) || (request.mode === 'navigate' && url.pathname !== '/sw.js' && getCacheKeyForURL(url.href) === undefined)),
})
