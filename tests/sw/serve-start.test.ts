import 'fake-indexeddb/auto'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { serve } from '../../src/sw/serve.js'
import { PlainTextResponse } from '../../src/index.js'

/** Just enough of a service-worker global for serve() to install its listeners. */
function fakeWorker() {
  const listeners: Record<string, ((event: unknown) => void)[]> = {}
  return {
    location: { origin: 'http://localhost', href: 'http://localhost/sw.js' },
    clients: { get: async () => undefined, claim: async () => {} },
    skipWaiting: async () => {},
    addEventListener: (type: string, listener: (event: unknown) => void) => (listeners[type] ??= []).push(listener),
    listeners,
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('serve() on a worker start', () => {
  test('with the cookie jar, the stored cookies start loading at once, before the first request', () => {
    vi.stubGlobal('self', fakeWorker())
    const open = vi.spyOn(indexedDB, 'open')
    serve(new PlainTextResponse('ok'), { match: '/api/', claim: false })
    expect(open).toHaveBeenCalledWith('swasgi-cookies')
  })

  test('without it (cookies: false), no IndexedDB at all', () => {
    vi.stubGlobal('self', fakeWorker())
    const open = vi.spyOn(indexedDB, 'open')
    serve(new PlainTextResponse('ok'), { match: '/api/', claim: false, cookies: false })
    expect(open).not.toHaveBeenCalled()
  })
})
