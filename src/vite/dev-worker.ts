// Runs in the service worker, in development only: the plugin prepends this function's source to
// the worker bundle. Self-contained (it is serialized), so it imports and names nothing outside.

/**
 * Makes a reload pick up a rebuilt worker. A browser checks for a new worker only after a
 * navigation, which the old worker has already answered; so before each navigation this asks the
 * dev server for the current build and, when it is newer, answers with a page that waits for the
 * new worker and reloads. Other requests and up-to-date navigations go to the worker's own
 * `fetch` listeners, unchanged.
 */
export function devWorker(version: string, versionURL: string): void {
  type Listener = ((event: Event) => void) | { handleEvent(event: Event): void }
  interface FetchEvent extends Event {
    readonly request: Request
    respondWith(response: Response | Promise<Response>): void
    waitUntil(promise: Promise<unknown>): void
  }
  const scope = self as unknown as {
    addEventListener(type: string, listener: Listener, options?: unknown): void
  }
  const listeners: Listener[] = []
  const addEventListener = scope.addEventListener.bind(scope)
  scope.addEventListener = (type, listener, options) => {
    if (type === 'fetch') listeners.push(listener)
    else addEventListener(type, listener, options)
  }
  const dispatch = (event: Event): void => {
    for (const listener of listeners) {
      if (typeof listener === 'function') listener.call(scope, event)
      else listener.handleEvent(event)
    }
  }

  const WAIT_PAGE = `<!doctype html><meta charset="utf-8"><title>Updating the service worker</title>
<p>swasgi: the service worker was rebuilt; reloading once the new one runs.</p>
<script>
navigator.serviceWorker.getRegistration(location.href).then(async (registration) => {
  if (registration) await registration.update().catch(() => undefined)
  const next = registration && (registration.installing || registration.waiting)
  if (!next) return setTimeout(() => location.reload(), 300)
  next.addEventListener('statechange', () => { if (next.state === 'activated' || next.state === 'redundant') location.reload() })
})
</script>`

  async function navigate(event: FetchEvent): Promise<Response> {
    const current = await fetch(versionURL, { cache: 'no-store' }).then(
      (response) => (response.ok ? response.text() : version),
      () => version,
    )
    if (current !== version) {
      // The page asks for the update, not this event: Chromium activates a skipWaiting() worker
      // once the old one has no event in flight, and a navigation here awaiting an update() queued
      // behind another one would be one for good (seen in the package walk). Nor does the worker
      // start it unawaited: such an update was seen never to come.
      return new Response(WAIT_PAGE, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
    }
    let answer: Promise<Response> | undefined
    // The event's own getters need the real event as `this`, so the listeners get a stand-in.
    const standIn = Object.assign(new Event('fetch'), {
      request: event.request,
      clientId: (event as { clientId?: string }).clientId,
      resultingClientId: (event as { resultingClientId?: string }).resultingClientId,
      preloadResponse: (event as { preloadResponse?: Promise<unknown> }).preloadResponse,
      waitUntil: (promise: Promise<unknown>) => event.waitUntil(promise),
      respondWith: (response: Response | Promise<Response>) => {
        if (answer) throw new DOMException('respondWith() was already called', 'InvalidStateError')
        answer = Promise.resolve(response)
      },
    })
    dispatch(standIn)
    return answer ?? fetch(event.request)
  }

  addEventListener('fetch', (event: Event) => {
    const fetchEvent = event as FetchEvent
    if (fetchEvent.request.mode === 'navigate') fetchEvent.respondWith(navigate(fetchEvent))
    else dispatch(event)
  })
}
