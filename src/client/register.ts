import { CLAIM_MESSAGE, COOKIES_HELLO, COOKIES_READ, COOKIES_REPORT, COOKIES_WRITE } from '../messages.js'

/** Options of `register()`. */
export interface RegisterOptions {
  /** The registration scope (default: the script's folder). */
  scope?: string
  /** 'module' for an ES-module worker (what Vite builds in development), else 'classic'. */
  type?: WorkerType
  /** How long to wait for the worker to control the page, in ms (default 10 s). */
  timeout?: number
}


function fail(message: string, cause?: unknown): Error {
  return new Error(`swasgi: ${message}`, cause === undefined ? undefined : { cause })
}

/** Why a registration failed, in words a developer can act on. */
async function explain(url: URL, error: unknown): Promise<Error> {
  const reason = error instanceof Error ? error.message : String(error)
  try {
    const probe = await fetch(url, { cache: 'no-store' })
    if (!probe.ok) return fail(`the service worker script ${url.href} answered ${probe.status}: check the path (is it built and served?)`, error)
    const type = probe.headers.get('content-type') ?? ''
    if (!/javascript/.test(type)) return fail(`the service worker script ${url.href} is served as "${type}", not JavaScript`, error)
  } catch {
    // The probe failing tells nothing more than the original error.
  }
  if (/scope/i.test(reason)) return fail(`${reason} (serve the script with a Service-Worker-Allowed header, or register a narrower scope)`, error)
  return fail(`could not register ${url.href}: ${reason}`, error)
}

/**
 * Resolves once a service worker controls this page; after a hard reload an active worker exists
 * but does not control the page, so it is asked to claim it. Self-contained (it names nothing
 * outside itself), so that the Playwright toolkit can run its source in a page.
 */
export function awaitControl(registration: ServiceWorkerRegistration, claimMessage: string): Promise<void> {
  const container = navigator.serviceWorker
  if (container.controller) return Promise.resolve()
  const controlled = new Promise<void>((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true }))
  registration.active?.postMessage({ type: claimMessage })
  return controlled
}

/** How long register() waits for the worker's answer to its cookie hello. */
const HELLO_TIMEOUT = 1000

let syncing: Promise<void> | undefined

// The page's document, typed here: this file is also checked against the WebWorker lib.
const page = () => (globalThis as unknown as { document: { cookie: string; visibilityState: string } }).document

/** Writes each line into document.cookie. */
function writeCookies(lines: unknown): void {
  if (!Array.isArray(lines)) return
  for (const line of lines) if (typeof line === 'string') page().cookie = line
}

/**
 * The page's side of the cookie sync, for browsers whose worker cannot use the Cookie Store API
 * (the worker decides; where it works, it never asks): answer with document.cookie, write what
 * the worker sends, report document.cookie as the page hides. Resolves once the cookies the
 * worker kept for this page (say, from the navigation that loaded it) are written.
 */
function syncCookies(container: ServiceWorkerContainer): Promise<void> {
  if (syncing) return syncing
  container.addEventListener('message', (event) => {
    const port = event.ports[0]
    if (!port || !(event.source instanceof ServiceWorker)) return
    if (event.data?.type === COOKIES_READ) port.postMessage(page().cookie)
    else if (event.data?.type === COOKIES_WRITE) {
      writeCookies(event.data.cookies)
      port.postMessage(true)
    }
  })
  container.startMessages()
  const report = (gone: boolean) => container.controller?.postMessage({ type: COOKIES_REPORT, cookie: page().cookie, gone })
  addEventListener('pagehide', () => report(true))
  addEventListener('visibilitychange', () => page().visibilityState === 'hidden' && report(false))
  const hello = () => {
    const channel = new MessageChannel()
    const answered = new Promise<void>((resolve) => {
      channel.port1.onmessage = (event) => {
        writeCookies(event.data)
        resolve()
      }
      setTimeout(resolve, HELLO_TIMEOUT)
    })
    container.controller?.postMessage({ type: COOKIES_HELLO, cookie: page().cookie }, [channel.port2])
    return answered
  }
  // Back from the back/forward cache (the worker forgot this page when it hid), or a new worker.
  addEventListener('pageshow', (event) => (event as Event & { persisted?: boolean }).persisted && void hello())
  container.addEventListener('controllerchange', () => void hello())
  syncing = hello()
  return syncing
}

/**
 * Registers the swasgi worker and resolves once it controls this page, so the app answers the
 * very next fetch (no second load needed, also after a hard reload left the page uncontrolled).
 */
export async function register(script: string | URL, opts: RegisterOptions = {}): Promise<ServiceWorkerRegistration> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
    throw fail('this browser offers no service workers here: they need a secure context (https, or http://localhost) and are off in some private modes')
  }
  const url = new URL(script, location.href)
  const container = navigator.serviceWorker
  let registration: ServiceWorkerRegistration
  try {
    registration = await container.register(url, { scope: opts.scope, type: opts.type ?? 'classic' })
  } catch (error) {
    throw await explain(url, error)
  }
  if (!location.href.startsWith(registration.scope)) {
    throw fail(`this page (${location.href}) is outside the worker's scope ${registration.scope}, so the worker can never control it`)
  }
  if (container.controller) {
    await syncCookies(container)
    return registration
  }
  const controlled = awaitControl(registration, CLAIM_MESSAGE)
  const timeout = opts.timeout ?? 10_000
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fail(`the worker did not take control of the page within ${timeout} ms (does it call serve() with claim enabled?)`)), timeout)
  })
  try {
    await Promise.race([controlled, expired])
  } finally {
    clearTimeout(timer)
  }
  await syncCookies(container)
  return registration
}
