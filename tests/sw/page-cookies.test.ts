import 'fake-indexeddb/auto'
import { describe, expect, test, vi } from 'vitest'
import { createStore } from 'idb-keyval'
import { COOKIES_READ, COOKIES_WRITE } from '../../src/messages.js'
import { CookieJar, type CookieStoreLike } from '../../src/sw/cookie-jar.js'
import { cookieStoreWorks, PageCookies, parseDocumentCookie, type PageClientsLike } from '../../src/sw/page-cookies.js'

let n = 0
const freshStore = (name: string) => createStore(`${name}-${++n}`, 'db')
const SAME_SITE = { sameSite: true, topLevel: false, method: 'GET' }
const ORIGIN = 'http://localhost'

/**
 * A page running register(): a document.cookie (name → value, with path=/ only) that answers the
 * worker's messages as register() does. `busy` pages never answer.
 */
class FakePage {
  readonly jar = new Map<string, string>()
  readonly received: unknown[] = []
  busy = false

  constructor(initial = '') {
    for (const { name, value } of parseDocumentCookie(initial)) this.jar.set(name, value)
  }

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** document.cookie = line, as far as these tests need it. */
  assign(line: string): void {
    const [pair, ...attributes] = line.split(';')
    const eq = pair.indexOf('=')
    const expires = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('expires='))
    if (expires && Date.parse(expires.slice(8)) <= Date.now()) this.jar.delete(pair.slice(0, eq))
    else this.jar.set(pair.slice(0, eq), pair.slice(eq + 1))
  }

  postMessage(message: { type: string; cookies?: string[] }, [port]: Transferable[]): void {
    this.received.push(message)
    if (this.busy) return
    if (message.type === COOKIES_READ) (port as MessagePort).postMessage(this.cookie)
    if (message.type === COOKIES_WRITE) {
      for (const line of message.cookies!) this.assign(line)
      ;(port as MessagePort).postMessage(true)
    }
  }
}

function fakeClients(pages: Record<string, FakePage>): PageClientsLike {
  return { get: async (id) => pages[id] }
}

/** A Cookie Store that resolves everything and keeps nothing, as Firefox's worker has been seen to. */
const deafStore: CookieStoreLike = { getAll: async () => [], set: async () => {}, delete: async () => {} }

describe('cookieStoreWorks: the Cookie Store told by behaviour', () => {
  test('a store that keeps the probe cookie works, and the probe is deleted', async () => {
    const cookies = new Map<string, string>()
    const store: CookieStoreLike = {
      getAll: async () => [...cookies].map(([name, value]) => ({ name, value })),
      set: async (o) => void cookies.set(o.name, o.value),
      delete: async (o) => void cookies.delete(o.name),
    }
    expect(await cookieStoreWorks(store)).toBe(true)
    expect(cookies.size).toBe(0)
  })

  test('a store whose set() resolves but keeps nothing (Firefox, WebKit) does not', async () => {
    expect(await cookieStoreWorks(deafStore)).toBe(false)
  })

  test('a store that keeps the name with another value, throws, or is missing does not', async () => {
    const stale: CookieStoreLike = { ...deafStore, getAll: async () => [{ name: '__swasgi_probe', value: 'old' }] }
    expect(await cookieStoreWorks(stale)).toBe(false)
    expect(await cookieStoreWorks({ ...deafStore, set: () => Promise.reject(new TypeError('no')) })).toBe(false)
    expect(await cookieStoreWorks(undefined)).toBe(false)
  })

  /** A store that keeps cookies; `hang` names the calls whose promise never settles (they still act). */
  function keepingStore(hang: ('set' | 'getAll' | 'delete')[], slow = 0) {
    const cookies = new Map<string, string>()
    const settle = <T>(call: 'set' | 'getAll' | 'delete', value: () => T) =>
      hang.includes(call) ? (value(), new Promise<T>(() => {})) : new Promise<T>((resolve) => setTimeout(() => resolve(value()), slow))
    const store: CookieStoreLike = {
      getAll: () => settle('getAll', () => [...cookies].map(([name, value]) => ({ name, value }))),
      set: (o) => settle('set', () => void cookies.set(o.name, o.value)),
      delete: (o) => settle('delete', () => void cookies.delete(o.name)),
    }
    return { store, cookies }
  }

  test("a store whose set() stores but never settles (Firefox 140's worker) does not, told in well under a second, and the probe is deleted", async () => {
    const { store, cookies } = keepingStore(['set'])
    const started = performance.now()
    expect(await cookieStoreWorks(store)).toBe(false)
    expect(performance.now() - started).toBeLessThan(900)
    await new Promise((r) => setTimeout(r, 0))
    expect([...cookies.keys()]).toEqual([])
  })

  test('a store whose every call hangs does not, in the end: the verdict never waits forever', async () => {
    const realTimeout = globalThis.setTimeout
    vi.useFakeTimers()
    try {
      const verdict = cookieStoreWorks(keepingStore(['set', 'getAll', 'delete']).store)
      await vi.advanceTimersByTimeAsync(10_000)
      const hung = new Promise((_, reject) => realTimeout(() => reject(new Error('no verdict 10 s after the probe started')), 1000))
      expect(await Promise.race([verdict, hung])).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  test('a slow store that works (a loaded machine) still does', async () => {
    const { store, cookies } = keepingStore([], 150)
    expect(await cookieStoreWorks(store)).toBe(true)
    expect(cookies.size).toBe(0)
  })
})

describe('PageCookies: reading the browser jar through the pages', () => {
  test('the page behind a request answers with its document.cookie', async () => {
    const page = new FakePage('theme=dark; lang=fr')
    const sync = new PageCookies(fakeClients({ p1: page }), { store: freshStore('read') })
    expect(await sync.hello('p1', page.cookie)).toEqual([])
    page.assign('theme=light; path=/')
    expect(await sync.storeFor('p1').getAll()).toEqual([
      { name: 'theme', value: 'light' },
      { name: 'lang', value: 'fr' },
    ])
  })

  test('a client that never said hello is not asked (it may not run register()): the last report stands', async () => {
    const stranger = new FakePage('x=1')
    const sync = new PageCookies(fakeClients({ s: stranger }), { store: freshStore('stranger') })
    await sync.report('seen=1', 'other', false)
    expect(await sync.storeFor('s').getAll()).toEqual([{ name: 'seen', value: '1' }])
    expect(stranger.received).toEqual([])
  })

  test('a busy page is waited for only until the timeout; then the last report stands', async () => {
    const page = new FakePage('a=1')
    const sync = new PageCookies(fakeClients({ p1: page }), { timeout: 20, store: freshStore('busy') })
    await sync.hello('p1', page.cookie)
    page.busy = true
    page.assign('a=2; path=/')
    const started = Date.now()
    expect(await sync.storeFor('p1').getAll()).toEqual([{ name: 'a', value: '1' }])
    expect(Date.now() - started).toBeLessThan(1000)
  })

  test("where no page answers, the browser's own Cookie Store is read when it reports cookies (WebKit's getAll works)", async () => {
    const webkit: CookieStoreLike = { ...deafStore, getAll: async () => [{ name: 'live', value: '1' }] }
    const sync = new PageCookies(fakeClients({}), { cookieStore: webkit, store: freshStore('live') })
    await sync.report('stale=1', 'gone', true)
    expect(await sync.storeFor('').getAll()).toEqual([{ name: 'live', value: '1' }])
  })
})

describe('PageCookies: writing into the pages', () => {
  test("a response's cookies are in the page's document.cookie when set() resolves, in one message", async () => {
    const page = new FakePage()
    const sync = new PageCookies(fakeClients({ p1: page }), { store: freshStore('write') })
    await sync.hello('p1', '')
    const store = sync.storeFor('p1')
    await Promise.all([store.set({ name: 'a', value: '1', path: '/' }), store.set({ name: 'b', value: '2', path: '/', sameSite: 'strict', expires: Date.now() + 60_000 })])
    expect(page.cookie).toBe('a=1; b=2')
    expect(page.received).toHaveLength(1)
    expect((page.received[0] as { cookies: string[] }).cookies[1]).toMatch(/^b=2; path=\/; expires=.* GMT; samesite=strict$/)
    await store.delete({ name: 'a', path: '/' })
    expect(page.cookie).toBe('b=2')
  })

  test('a page that is gone is forgotten; another page of the origin writes (they share one jar)', async () => {
    const other = new FakePage()
    const pages: Record<string, FakePage> = { p1: new FakePage(), p2: other }
    const sync = new PageCookies(fakeClients(pages), { store: freshStore('gone') })
    await sync.hello('p1', '')
    await sync.hello('p2', '')
    delete pages.p1
    await sync.storeFor('p1').set({ name: 'a', value: '1' })
    expect(other.cookie).toBe('a=1')
  })

  test("a navigation's cookies wait for its page's hello; a later write to the same cookie replaces the pending one", async () => {
    const sync = new PageCookies(fakeClients({}), { store: freshStore('pending') })
    const navigation = sync.storeFor('')
    await navigation.set({ name: 'a', value: '1', path: '/' })
    await navigation.set({ name: 'a', value: '2', path: '/' })
    await navigation.set({ name: 'b', value: '3', path: '/x' })
    expect(await sync.hello('new', '')).toEqual(['a=2; path=/', 'b=3; path=/x'])
    expect(await sync.hello('newer', '')).toEqual([])
  })

  test("the cookies a page reports in its hello are read back with the writes it is handed (it makes them next)", async () => {
    const sync = new PageCookies(fakeClients({}), { store: freshStore('hello-writes') })
    await sync.storeFor('').set({ name: 'theme', value: 'light', path: '/' })
    await sync.storeFor('').delete({ name: 'gone', path: '/' })
    expect(await sync.hello('p1', 'theme=dark; gone=1; kept=1')).toHaveLength(2)
    expect(await sync.storeFor('').getAll()).toEqual([{ name: 'theme', value: 'light' }, { name: 'kept', value: '1' }])
  })

  test('what no page took is still read back (so the page and the app agree on its value)', async () => {
    const sync = new PageCookies(fakeClients({}), { store: freshStore('snapshot') })
    await sync.report('a=old', 'p', true)
    await sync.storeFor('').set({ name: 'a', value: 'new' })
    expect(await sync.storeFor('').getAll()).toEqual([{ name: 'a', value: 'new' }])
  })

  test('a stopped worker comes back knowing its pages, the last report and the pending writes', async () => {
    const store = freshStore('persist')
    const page = new FakePage('k=v')
    const first = new PageCookies(fakeClients({ p1: page }), { store })
    await first.hello('p1', page.cookie)
    await first.storeFor('').set({ name: 'nav', value: '1' })
    const second = new PageCookies(fakeClients({ p1: page }), { store })
    // The page's jar, with the write it has not made yet.
    expect(await second.storeFor('p1').getAll()).toEqual([{ name: 'k', value: 'v' }, { name: 'nav', value: '1' }])
    expect(await second.hello('p2', '')).toEqual(['nav=1; path=/'])
  })
})

describe('two workers at once (a new version installing, another scope): one state', () => {
  let channels = 0
  function twoWorkers(pages: Record<string, FakePage> = {}) {
    const store = freshStore('two-workers')
    const channel = `page-sync-test-${++channels}`
    return { store, a: new PageCookies(fakeClients(pages), { store, channel }), b: new PageCookies(fakeClients(pages), { store, channel }) }
  }

  test("a write one keeps for the next hello is handed over by the other, and the other's own change does not drop it", async () => {
    const { store, a, b } = twoWorkers()
    expect(await b.hello('p0', '')).toEqual([]) // b has read the state
    await a.storeFor('').set({ name: 'nav', value: '1' })
    await b.report('seen=1', 'p0', false)
    expect(await b.hello('p1', '')).toEqual(['nav=1; path=/'])
    expect(await new PageCookies(fakeClients({}), { store }).hello('p2', '')).toEqual([])
  })

  test("writes both keep at once both reach the next hello", async () => {
    const { a, b } = twoWorkers()
    await Promise.all([a.storeFor('').set({ name: 'x', value: '1' }), b.storeFor('').set({ name: 'y', value: '2' })])
    expect((await a.hello('p1', '')).sort()).toEqual(['x=1; path=/', 'y=2; path=/'])
  })

  test("a page one worker met is asked by the other for a request's cookies", async () => {
    const page = new FakePage('k=v')
    const { a, b } = twoWorkers({ p1: page })
    expect(await b.storeFor('p1').getAll()).toEqual([]) // b has read the state: no page yet
    await a.hello('p1', page.cookie)
    await expect.poll(() => b.storeFor('p1').getAll()).toEqual([{ name: 'k', value: 'v' }])
  })
})

describe('CookieJar over PageCookies', () => {
  test('the page sees the non-HttpOnly cookie only; the app gets both, and what the page set', async () => {
    const page = new FakePage()
    const sync = new PageCookies(fakeClients({ p1: page }), { store: freshStore('jar-sync') })
    await sync.hello('p1', '')
    const jar = new CookieJar({ store: freshStore('jar'), cookieStore: null, origin: ORIGIN })
    const url = new URL(`${ORIGIN}/api/x`)
    await jar.setCookies(['theme=dark; Path=/', 'session=secret; Path=/; HttpOnly'], url, SAME_SITE, undefined, sync.storeFor('p1'))
    expect(page.cookie).toBe('theme=dark')
    expect(page.received.map((m) => JSON.stringify(m)).join()).not.toContain('secret')
    page.assign('fromPage=1; path=/')
    expect(await jar.cookieHeader(url, SAME_SITE, undefined, sync.storeFor('p1'))).toBe('theme=dark; session=secret; fromPage=1')
  })

  test("a navigation's cookie goes with the next navigation, though the browser's own Cookie Store still has the old value (WebKit)", async () => {
    // WebKit's worker reads its jar through cookieStore.getAll(), which only sees a write once a page has made it.
    const browserJar = new Map([['theme', 'dark']])
    const webkit: CookieStoreLike = { ...deafStore, getAll: async () => [...browserJar].map(([name, value]) => ({ name, value })) }
    const sync = new PageCookies(fakeClients({}), { cookieStore: webkit, store: freshStore('jar-webkit') })
    const jar = new CookieJar({ store: freshStore('jar3'), cookieStore: null, origin: ORIGIN })
    const url = new URL(`${ORIGIN}/settings`)
    const navigation = { sameSite: true, topLevel: true, method: 'GET' }
    await jar.setCookies(['theme=dark; Path=/', 'gone=1; Path=/'], url, navigation, undefined, sync.storeFor(''))
    browserJar.set('gone', '1')
    expect(await sync.hello('p1', 'theme=dark; gone=1')).toHaveLength(2)
    // A form POST navigates: its response changes one cookie and deletes another, no page can take them yet.
    await jar.setCookies(['theme=light; Path=/', 'gone=; Path=/; Max-Age=0'], url, { ...navigation, method: 'POST' }, undefined, sync.storeFor(''))
    expect(await jar.cookieHeader(url, navigation, undefined, sync.storeFor(''))).toBe('theme=light')
    expect(await sync.storeFor('').getAll()).toEqual([{ name: 'theme', value: 'light' }])
  })

  test("the leaving page's report, made after the navigation's write, does not undo it", async () => {
    const page = new FakePage('theme=dark')
    const sync = new PageCookies(fakeClients({ p1: page }), { store: freshStore('jar-report') })
    await sync.hello('p1', page.cookie)
    const jar = new CookieJar({ store: freshStore('jar4'), cookieStore: null, origin: ORIGIN })
    const url = new URL(`${ORIGIN}/settings`)
    const navigation = { sameSite: true, topLevel: true, method: 'POST' }
    await jar.setCookies(['theme=dark; Path=/'], url, navigation, undefined, sync.storeFor('p1'))
    await jar.setCookies(['theme=light; Path=/'], url, navigation, undefined, sync.storeFor(''))
    await sync.report(page.cookie, 'p1', true)
    expect(await jar.cookieHeader(url, { ...navigation, method: 'GET' }, undefined, sync.storeFor(''))).toBe('theme=light')
  })

  test('a page-reported cookie counts as Strict: it does not go with a cross-site request', async () => {
    const page = new FakePage('fromPage=1')
    const sync = new PageCookies(fakeClients({ p1: page }), { store: freshStore('jar-strict') })
    await sync.hello('p1', page.cookie)
    const jar = new CookieJar({ store: freshStore('jar2'), cookieStore: null, origin: ORIGIN })
    const crossSiteLink = { sameSite: false, topLevel: true, method: 'GET' }
    expect(await jar.cookieHeader(new URL(`${ORIGIN}/`), crossSiteLink, undefined, sync.storeFor('p1'))).toBe('')
  })
})
