// The development prelude that `vite dev` puts before the worker: a navigation that finds a newer
// build answers with the page that waits for the new worker, without waiting for the update.
import { afterEach, describe, expect, test, vi } from 'vitest'
import { devWorker } from '../../src/vite/dev-worker.js'

/** A worker global whose registration's update() never settles, as one queued behind an activation would. */
function fakeWorker() {
  const listeners: Record<string, ((event: unknown) => void)[]> = {}
  const updates: string[] = []
  return {
    scope: {
      registration: { update: () => (updates.push('update'), new Promise<never>(() => {})) },
      addEventListener: (type: string, listener: (event: unknown) => void) => (listeners[type] ??= []).push(listener),
    },
    listeners,
    updates,
  }
}

/** Dispatches a navigation to the prelude's fetch listener; resolves with what it answered. */
function navigate(listeners: Record<string, ((event: unknown) => void)[]>): Promise<Response> {
  return new Promise((resolve) => {
    const event = Object.assign(new Event('fetch'), {
      request: { url: 'http://localhost/', mode: 'navigate' }, // Node's Request refuses mode 'navigate'
      respondWith: (response: Promise<Response>) => resolve(response),
      waitUntil: () => {},
    })
    for (const listener of listeners.fetch ?? []) listener(event)
  })
}

afterEach(() => vi.unstubAllGlobals())

describe('the dev prelude', () => {
  test('a navigation that finds a newer build gets the waiting page at once; the page, not the worker, asks for the update', async () => {
    const worker = fakeWorker()
    vi.stubGlobal('self', worker.scope)
    vi.stubGlobal('fetch', async () => new Response('v2'))
    devWorker('v1', 'http://localhost/sw.js?swasgi-version')
    const answer = navigate(worker.listeners)
    const late = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting for update()'), 1_000))
    const page = await Promise.race([answer.then((response) => response.text()), late])
    expect(page).toContain('reloading once the new one runs')
    expect(page).toContain('registration.update()')
    expect(worker.updates).toEqual([])
  })
})
