// The worker of the record-then-replay spec: a hand-written route next to a HAR replayed from
// Cache Storage; what the recording lacks goes to the network (notFound: 'fallback').
import { serve } from '../../../src/sw/index.js'
import { App, JSONResponse, Mount, Route, type Request } from '../../../src/index.js'
import { harApp, loadHar } from '../../../src/har/index.js'

const store = 'cache://recording-v1'
const recording = harApp(loadHar('/recordings/session.har', { store }), { store, notFound: 'fallback' })

const app = new App({
  routes: [
    // What the worker's cookie jar sends with a request: the recorded login's cookie lands there.
    new Route('/local/cookies', (request: Request) => new JSONResponse({ cookie: request.headers.get('cookie') })),
    new Mount('', recording),
  ],
})

serve(app, { onError: (error) => console.error(error) })
