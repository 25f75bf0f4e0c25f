import 'fake-indexeddb/auto'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { browserJar, serve } from '../../src/sw/serve.js'
import type { CookieStoreLike } from '../../src/sw/cookie-jar.js'
import type { PageCookies } from '../../src/sw/page-cookies.js'
import { PlainTextResponse } from '../../src/index.js'

/** Just enough of a service-worker global for serve() to install its listeners. */
function fakeWorker(cookieStore?: CookieStoreLike) {
  const listeners: Record<string, ((event: unknown) => void)[]> = {}
  return {
    cookieStore,
    location: { origin: 'http://localhost', href: 'http://localhost/sw.js' },
    clients: { get: async () => undefined, claim: async () => {} },
    skipWaiting: async () => {},
    addEventListener: (type: string, listener: (event: unknown) => void) => (listeners[type] ??= []).push(listener),
    listeners,
  }
}

afterEach(async () => {
  // serve() probes the Cookie Store in the next task: let it run against this test's worker.
  await new Promise((resolve) => setTimeout(resolve))
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

/** A Cookie Store that records its calls; `set` resolves when the test says so. */
function slowStore(cookies: { name: string; value: string }[] = []) {
  const calls: string[] = []
  let finishSet!: () => void
  const setDone = new Promise<void>((resolve) => (finishSet = resolve))
  const store: CookieStoreLike = {
    getAll: async () => (calls.push('getAll'), cookies),
    set: async (cookie) => {
      calls.push(`set ${cookie.name}`)
      await setDone
    },
    delete: async (cookie) => void calls.push(`delete ${cookie.name}`),
  }
  return { store, calls, finishSet }
}

describe("the browser's jar on a worker start", () => {
  test('the Cookie Store probe starts with the worker, not with the first request, in the task after the script', async () => {
    const { store, calls } = slowStore()
    const worker = fakeWorker()
    let touched = 0
    // Chromium gives a restarted worker that touches cookieStore while its script runs a dead one.
    Object.defineProperty(worker, 'cookieStore', { get: () => (touched++, store) })
    vi.stubGlobal('self', worker)
    // The probe's set() never settles here: on fake timers, its waits end with the test.
    vi.useFakeTimers()
    try {
      serve(new PlainTextResponse('ok'), { match: '/api/', claim: false })
      await Promise.resolve()
      expect(touched).toBe(0)
      await vi.advanceTimersByTimeAsync(0)
      expect(calls).toEqual(['set __swasgi_probe'])
    } finally {
      vi.useRealTimers()
    }
  })

  test('without the jar (cookies: false) there is no probe', async () => {
    const { store, calls } = slowStore()
    vi.stubGlobal('self', fakeWorker(store))
    serve(new PlainTextResponse('ok'), { match: '/api/', claim: false, cookies: false })
    await new Promise((resolve) => setTimeout(resolve))
    expect(calls).toEqual([])
  })

  test("a request's read starts before the probe's verdict, and leaves the probe cookie out", async () => {
    const { store, calls } = slowStore([{ name: '__swasgi_probe', value: 'x' }, { name: 'theme', value: 'dark' }])
    let verdict!: (pages: PageCookies | null) => void
    const jar = browserJar(new Promise((resolve) => (verdict = resolve)), store, 'client')
    const read = jar.getAll()
    expect(calls).toEqual(['getAll'])
    verdict(null)
    expect(await read).toEqual([{ name: 'theme', value: 'dark' }])
  })

  test("where the Cookie Store fails, the page sync answers and takes the request's writes, all through one store", async () => {
    const { store, calls } = slowStore([{ name: 'unseen', value: '1' }])
    const pageCalls: string[] = []
    const pageStore: CookieStoreLike = {
      getAll: async () => [{ name: 'fromPage', value: '1' }],
      set: async (cookie) => void pageCalls.push(`set ${cookie.name}`),
      delete: async (cookie) => void pageCalls.push(`delete ${cookie.name}`),
    }
    const storeFor = vi.fn(() => pageStore)
    const jar = browserJar(Promise.resolve({ storeFor } as unknown as PageCookies), store, 'client')
    expect(await jar.getAll()).toEqual([{ name: 'fromPage', value: '1' }])
    await jar.set({ name: 'a', value: '1' })
    await jar.delete({ name: 'b' })
    expect(pageCalls).toEqual(['set a', 'delete b'])
    expect(calls.filter((call) => call !== 'getAll')).toEqual([])
    expect(storeFor).toHaveBeenCalledTimes(1)
    expect(storeFor).toHaveBeenCalledWith('client')
  })

  test("once the verdict is in, a request reads only the jar it picked (no extra read of the worker's store per request)", async () => {
    const { store, calls } = slowStore([{ name: 'unseen', value: '1' }])
    const pages = { storeFor: () => ({ getAll: async () => [{ name: 'fromPage', value: '1' }], set: async () => {}, delete: async () => {} }) } as unknown as PageCookies
    const jar = browserJar(Promise.resolve(pages), store, 'client', pages)
    expect(await jar.getAll()).toEqual([{ name: 'fromPage', value: '1' }])
    expect(calls).toEqual([])
    const worksJar = browserJar(Promise.resolve(null), store, 'client', null)
    expect(await worksJar.getAll()).toEqual([{ name: 'unseen', value: '1' }])
    expect(calls).toEqual(['getAll'])
  })
})

describe('navigation preload (opt-in)', () => {
  /** A worker with a registration whose navigation preload records what it was told. */
  function preloadWorker() {
    const worker = fakeWorker()
    const calls: string[] = []
    const navigationPreload = { enable: async () => void calls.push('enable'), disable: async () => void calls.push('disable') }
    return { worker: Object.assign(worker, { registration: { navigationPreload } }), calls }
  }
  /** Runs the worker's listeners for `type` with an event that records waitUntil/respondWith. */
  function dispatch(worker: ReturnType<typeof fakeWorker>, type: string, fields: Record<string, unknown> = {}) {
    const waited: Promise<unknown>[] = []
    const answers: Promise<Response>[] = []
    const event = { ...fields, waitUntil: (p: Promise<unknown>) => void waited.push(p), respondWith: (p: Promise<Response>) => void answers.push(p) }
    for (const listener of worker.listeners[type] ?? []) listener(event)
    return { waited, answers }
  }
  const navigation = (path: string, preloadResponse?: Promise<Response | undefined>) => ({
    request: new Request(`http://localhost${path}`, { mode: 'same-origin' }),
    clientId: '',
    preloadResponse,
  })
  /** A navigation: Node's Request cannot have mode 'navigate', so the event's request says so itself. */
  const asNavigation = (event: ReturnType<typeof navigation>) => ({ ...event, request: Object.defineProperty(event.request, 'mode', { value: 'navigate' }) })

  test('true enables it as the worker activates; false disables it; unset leaves the registration alone', async () => {
    for (const [option, expected] of [[true, ['enable']], [false, ['disable']], [undefined, []]] as const) {
      const { worker, calls } = preloadWorker()
      vi.stubGlobal('self', worker)
      serve(new PlainTextResponse('ok'), { match: '/api/', claim: false, cookies: false, navigationPreload: option })
      await Promise.all(dispatch(worker, 'activate').waited)
      expect(calls).toEqual(expected)
    }
  })

  test("a navigation the app leaves to the network is answered with the preload's response, or fetched where there is none", async () => {
    const { worker } = preloadWorker()
    vi.stubGlobal('self', worker)
    const fetched = vi.fn(async () => new Response('fetched'))
    vi.stubGlobal('fetch', fetched)
    serve(new PlainTextResponse('app'), { match: '/api/', claim: false, cookies: false, navigationPreload: true })
    const preloaded = dispatch(worker, 'fetch', asNavigation(navigation('/about', Promise.resolve(new Response('preloaded')))))
    expect(await (await preloaded.answers[0]).text()).toBe('preloaded')
    const notYet = dispatch(worker, 'fetch', asNavigation(navigation('/about', Promise.resolve(undefined))))
    expect(await (await notYet.answers[0]).text()).toBe('fetched')
    expect(fetched).toHaveBeenCalledTimes(1)
  })

  test('a navigation the app answers lets the preload finish unused; without the option nothing changes', async () => {
    const { worker } = preloadWorker()
    vi.stubGlobal('self', worker)
    serve(new PlainTextResponse('app'), { match: '/api/', claim: false, cookies: false, navigationPreload: true })
    const owned = dispatch(worker, 'fetch', asNavigation(navigation('/api/page', Promise.resolve(new Response('preloaded')))))
    expect(await (await owned.answers[0]).text()).toBe('app')
    const { worker: plain } = preloadWorker()
    vi.stubGlobal('self', plain)
    serve(new PlainTextResponse('app'), { match: '/api/', claim: false, cookies: false })
    const ownedPlain = dispatch(plain, 'fetch', asNavigation(navigation('/api/page', Promise.resolve(new Response('preloaded')))))
    expect(await (await ownedPlain.answers[0]).text()).toBe('app')
    // The one more thing waited for is the preload.
    expect(owned.waited.length).toBe(ownedPlain.waited.length + 1)
    const left = dispatch(plain, 'fetch', asNavigation(navigation('/about', Promise.resolve(new Response('preloaded')))))
    expect(left.answers).toEqual([])
  })
})
