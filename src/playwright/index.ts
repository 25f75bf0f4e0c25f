/**
 * swasgi/playwright: test and demo helpers for @playwright/test. `test` adds a `swasgi` fixture
 * for pages whose own service worker runs a swasgi app; `routeASGI` answers Playwright's routing
 * with an ASGI app, for tests that need no worker at all.
 */
import { test as base, type BrowserContext, type Page, type Worker } from '@playwright/test'
import type { ASGIApp } from '../types.js'
import { handle, type HandleOptions } from '../sw/handle.js'
import { awaitControl } from '../client/register.js'
import { askWorker } from '../client/mock.js'
import { CLAIM_MESSAGE, EVENT_MESSAGE, EVENTS_MESSAGE, MOCK_MESSAGE, type MockAction, type MockState, type OverrideSpec, type RequestEventData } from '../messages.js'

/** One request the page's service worker answered. */
export interface AnsweredRequest {
  method: string
  url: string
  status: number
  /** Milliseconds from the request's start to the end of its response (Playwright's timing; -1 until the body has ended). */
  ms: number
}

/** The `swasgi` fixture. */
export interface SwasgiFixture {
  /** Opens `url`, registers `script` when given, and waits until a service worker controls the page. */
  open(url: string, options?: { script?: string; type?: 'classic' | 'module' }): Promise<void>
  /** The page's service worker. */
  worker(): Promise<Worker>
  /** Runs a function inside the service worker, as `worker.evaluate` does. */
  evaluate: Worker['evaluate']
  /** Every request the worker answered so far, in order. */
  readonly log: AnsweredRequest[]
  /** The worker's request events (swasgi/mock), as the page receives them, once `open()` has run. */
  readonly events: RequestEventData[]
  /** Puts overrides in front of the worker's app (the app must be wrapped with `mock()`); reset after the test. */
  use(...overrides: OverrideSpec[]): Promise<MockState>
  /** Switches the worker to a scenario (null: none); reset after the test. */
  useScenario(name: string | null): Promise<MockState>
  /** Removes every override and the scenario now. */
  resetHandlers(): Promise<MockState>
}

/** The request patterns Playwright's `route()` accepts. */
export type URLMatch = string | RegExp | ((url: URL) => boolean)

/** Waits (in the page) until a worker controls it, with the same handshake as `register()`. */
async function waitForControl(page: Page, script: string | undefined, type: 'classic' | 'module'): Promise<void> {
  const registration = script ? `navigator.serviceWorker.register(${JSON.stringify(script)}, { type: ${JSON.stringify(type)} })` : 'navigator.serviceWorker.ready'
  try {
    // A string, not a function: awaitControl's own source runs in the page.
    await page.evaluate(`(async () => (${awaitControl.toString()})(await ${registration}, ${JSON.stringify(CLAIM_MESSAGE)}))()`)
  } catch (error) {
    // A bootstrap page may reload itself the moment the worker takes control: then the page it
    // loads must be the controlled one.
    unlessNavigated(error)
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  }
}

/** Rethrows `error` unless it says the page navigated away while a script ran in it. */
function unlessNavigated(error: unknown): void {
  if (!/context was destroyed|navigat/i.test(String(error))) throw error
}

/** Steers the mock layer of the page's worker (see `askWorker`). */
async function steer(page: Page, action: MockAction): Promise<MockState> {
  return (await page.evaluate(`(${askWorker.toString()})(${JSON.stringify({ type: MOCK_MESSAGE, ...action })}, 5000)`)) as MockState
}

/** Page code that forwards the worker's request events to the fixture's binding, once per document. */
const forwardEvents = `(() => {
  const container = navigator.serviceWorker
  if (!container || window.__swasgiForwarding) return
  window.__swasgiForwarding = true
  container.addEventListener('message', (event) => {
    if (event.data && event.data.type === ${JSON.stringify(EVENT_MESSAGE)}) window.__swasgiEvent(event.data.event)
  })
  const ask = () => container.controller && container.controller.postMessage({ type: ${JSON.stringify(EVENTS_MESSAGE)} })
  container.addEventListener('controllerchange', ask)
  container.startMessages()
  ask()
})()`

/** `@playwright/test`'s `test`, with the `swasgi` fixture. */
export const test = base.extend<{ swasgi: SwasgiFixture }>({
  swasgi: async ({ page, context }, use) => {
    const log: AnsweredRequest[] = []
    page.on('response', (response) => {
      if (!response.fromServiceWorker()) return
      const request = response.request()
      const entry = { method: request.method(), url: response.url(), status: response.status(), ms: -1 }
      log.push(entry)
      // The timing's responseEnd is known once the body has ended, not when the response starts.
      void response.finished().then(() => (entry.ms = Math.max(0, request.timing().responseEnd)), () => {})
    })
    const events: RequestEventData[] = []
    await page.exposeFunction('__swasgiEvent', (event: RequestEventData) => void events.push(event))
    await page.addInitScript(forwardEvents)
    // Chromium never tells the worker that the page aborted a fetch still waiting for its headers:
    // forward the aborts Playwright sees, so that a pending delay ends and the handler's finally runs.
    page.on('requestfailed', (request) => {
      if (!/ABORTED|cancelled/i.test(request.failure()?.errorText ?? '') || page.isClosed()) return
      steer(page, { action: 'abort', method: request.method(), url: request.url() }).catch(() => {})
    })
    let steered = false
    const worker = async () => context.serviceWorkers()[0] ?? context.waitForEvent('serviceworker')
    await use({
      log,
      events,
      async open(url, options = {}) {
        await page.goto(url)
        await waitForControl(page, options.script, options.type ?? 'classic')
        // A page that reloads itself now gets the init script, controlled from its start.
        await page.evaluate(forwardEvents).catch(unlessNavigated)
      },
      worker,
      evaluate: (async (fn: never, arg: never) => (await worker()).evaluate(fn, arg)) as Worker['evaluate'],
      use: (...overrides) => ((steered = true), steer(page, { action: 'use', overrides })),
      useScenario: (name) => ((steered = true), steer(page, { action: 'scenario', name })),
      resetHandlers: () => steer(page, { action: 'reset' }),
    })
    // Each test has its own context, so its own worker; the reset also clears the saved scenario.
    if (steered && !page.isClosed()) await steer(page, { action: 'reset' }).catch(() => {})
  },
})

export { expect } from '@playwright/test'

/**
 * Answers the requests of a page or context that match `url` with `app` (through `handle()`), in
 * the test process: the same app that mocks a backend in the worker mocks it here with no worker.
 * Playwright's routing never sees requests a service worker answers; use one or the other.
 */
export async function routeASGI(target: Page | BrowserContext, url: URLMatch, app: ASGIApp, options: HandleOptions = {}): Promise<void> {
  const fetchHandler = handle(app, options)
  await target.route(url, async (route) => {
    const request = route.request()
    const headers = Object.entries(await request.allHeaders()).filter(([name]) => !name.startsWith(':'))
    const body = request.postDataBuffer()
    const response = await fetchHandler(new Request(request.url(), { method: request.method(), headers, body: body ? new Uint8Array(body) : undefined }))
    const fulfilled: Record<string, string> = Object.fromEntries(response.headers)
    const cookies = response.headers.getSetCookie()
    // Real Set-Cookie headers work here (no worker in the way); Playwright takes several joined by newlines.
    if (cookies.length) fulfilled['set-cookie'] = cookies.join('\n')
    await route.fulfill({
      status: response.status,
      headers: fulfilled,
      body: Buffer.from(await response.arrayBuffer()),
    })
  })
}
