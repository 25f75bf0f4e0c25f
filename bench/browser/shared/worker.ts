/**
 * The service-worker global, typed locally: the bench is type-checked against the DOM lib
 * (tsconfig.json), where `self` is a Window and FetchEvent does not exist.
 */
export interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void
}
export interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  readonly clientId: string
  readonly handled: Promise<void>
  readonly preloadResponse: Promise<unknown>
  readonly resultingClientId: string
  respondWith(response: Response | PromiseLike<Response>): void
}
export interface WorkerScope {
  skipWaiting(): Promise<void>
  readonly clients: { claim(): Promise<void> }
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
}

export const worker = self as unknown as WorkerScope

/** Take over at once, as every tool's docs recommend for a first install. */
export function takeOver(): void {
  worker.addEventListener('install', () => void worker.skipWaiting())
  worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()))
}
