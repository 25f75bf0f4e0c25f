import 'fake-indexeddb/auto'
import { describe, expect, test } from 'vitest'
import { createStore, type UseStore } from 'idb-keyval'
import { CookieJar, parseSetCookie, type CookieStoreLike } from '../../src/sw/cookie-jar.js'

let n = 0
const freshStore = () => createStore(`jar-test-${++n}`, 'jar')
const url = (href: string) => new URL(href)
const NOW = Date.UTC(2037, 0, 22, 12)

/** Request contexts as `serve()` reports them (RFC 6265bis "same-site" requests). */
const SAME_SITE = { sameSite: true, topLevel: false, method: 'GET' }
const CROSS_SITE = { sameSite: false, topLevel: false, method: 'GET' }
const CROSS_SITE_LINK = { sameSite: false, topLevel: true, method: 'GET' }
const CROSS_SITE_FORM = { sameSite: false, topLevel: true, method: 'POST' }

/** A Cookie Store API stand-in that records what the jar mirrors. */
function fakeCookieStore(initial: { name: string; value: string }[] = []) {
  const cookies = new Map(initial.map((c) => [c.name, c.value]))
  const calls: string[] = []
  const store: CookieStoreLike = {
    getAll: async () => [...cookies].map(([name, value]) => ({ name, value })),
    set: async (o) => {
      calls.push(`set ${o.name}=${o.value} path=${o.path}`)
      cookies.set(o.name, o.value)
    },
    delete: async (o) => {
      calls.push(`delete ${o.name}`)
      cookies.delete(o.name)
    },
  }
  return { store, cookies, calls }
}

describe('parseSetCookie (RFC 6265 5.2)', () => {
  const at = url('http://app.example.com/a/b/page')

  test('defaults: host-only, default-path from the request, session, Lax', () => {
    expect(parseSetCookie('id=1', at, NOW)).toMatchObject({ name: 'id', value: '1', domain: 'app.example.com', hostOnly: true, path: '/a/b', expires: null, sameSite: 'lax' })
  })

  test('attributes as Starlette writes them', () => {
    const cookie = parseSetCookie('s=v; Domain=example.com; expires=Thu, 22 Jan 2037 12:00:10 GMT; HttpOnly; Max-Age=10; Partitioned; Path=/; SameSite=none; Secure', url('https://app.example.com/'), NOW)
    expect(cookie).toMatchObject({ domain: 'example.com', hostOnly: false, path: '/', httpOnly: true, secure: true, partitioned: true, sameSite: 'none', expires: NOW + 10_000 })
  })

  test('Max-Age wins over Expires; Max-Age=0 expires now', () => {
    expect(parseSetCookie('a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT', at, NOW)!.expires).toBe(NOW + 60_000)
    expect(parseSetCookie('a=1; Max-Age=0', at, NOW)!.expires).toBe(-Infinity)
  })

  test('ignored: no "=", empty name, a foreign Domain, Secure over plain http', () => {
    expect(parseSetCookie('novalue', at)).toBeNull()
    expect(parseSetCookie('=x', at)).toBeNull()
    expect(parseSetCookie('a=1; Domain=other.com', at)).toBeNull()
    expect(parseSetCookie('a=1; Secure', at)).toBeNull()
    expect(parseSetCookie('a=1; Secure', url('http://localhost/'))).not.toBeNull()
  })
})

describe('CookieJar', () => {
  test('cookies from one response come back on the next request; several Set-Cookie all apply', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    await jar.setCookies(['a=1; Path=/', 'b=2; Path=/'], url('http://localhost/api/x'), SAME_SITE)
    expect(await jar.cookieHeader(url('http://localhost/other'), SAME_SITE)).toBe('a=1; b=2')
  })

  test('path matching and ordering (longer paths first)', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    const at = url('http://localhost/')
    await jar.setCookies(['root=1; Path=/', 'deep=2; Path=/api', 'other=3; Path=/apix'], at, SAME_SITE)
    expect(await jar.cookieHeader(url('http://localhost/api/items'), SAME_SITE)).toBe('deep=2; root=1')
    expect(await jar.cookieHeader(url('http://localhost/apix'), SAME_SITE)).toBe('other=3; root=1')
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('root=1')
  })

  test('domain matching: host-only vs Domain cookies', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    await jar.setCookies(['host=1; Path=/', 'wide=2; Domain=example.com; Path=/'], url('https://app.example.com/'), SAME_SITE)
    expect(await jar.cookieHeader(url('https://app.example.com/'), SAME_SITE)).toBe('host=1; wide=2')
    expect(await jar.cookieHeader(url('https://other.example.com/'), SAME_SITE)).toBe('wide=2')
  })

  test('Secure cookies only go to secure URLs', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    await jar.setCookies(['s=1; Secure; Domain=example.com; Path=/'], url('https://example.com/'), SAME_SITE)
    expect(await jar.cookieHeader(url('https://example.com/'), SAME_SITE)).toBe('s=1')
    expect(await jar.cookieHeader(url('http://example.com/'), SAME_SITE)).toBe('')
  })

  test('replacing keeps one cookie per name/domain/path; Max-Age=0 deletes; expiry is honoured', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    const at = url('http://localhost/')
    await jar.setCookies(['a=1; Path=/', 'a=2; Path=/', 'gone=1; Path=/', 'brief=1; Path=/; Max-Age=5'], at, SAME_SITE, NOW)
    await jar.setCookies(['gone=""; Max-Age=0; Path=/'], at, SAME_SITE, NOW)
    expect(await jar.cookieHeader(at, SAME_SITE, NOW)).toBe('a=2; brief=1')
    expect(await jar.cookieHeader(at, SAME_SITE, NOW + 6000)).toBe('a=2')
  })

  test('persisted: a new jar over the same store (a restarted worker) sees the cookies', async () => {
    const store = freshStore()
    await new CookieJar({ store, cookieStore: null }).setCookies(['kept=yes; Path=/; HttpOnly'], url('http://localhost/'), SAME_SITE)
    expect(await new CookieJar({ store, cookieStore: null }).cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('kept=yes')
  })

  test('non-HttpOnly cookies are mirrored to the Cookie Store API, HttpOnly ones are not', async () => {
    const browser = fakeCookieStore()
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    await jar.setCookies(['theme=dark; Path=/', 'session=s; HttpOnly; Path=/'], url('http://localhost/'), SAME_SITE)
    expect(browser.calls).toEqual(['set theme=dark path=/'])
    await jar.setCookies(['theme=""; Max-Age=0; Path=/'], url('http://localhost/'), SAME_SITE)
    expect(browser.calls.at(-1)).toBe('delete theme')
  })

  test("the header merges the page's own cookies and the page's changes to mirrored ones", async () => {
    const browser = fakeCookieStore([{ name: 'fromPage', value: '1' }])
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    await jar.setCookies(['theme=dark; Path=/', 'session=s; HttpOnly; Path=/'], url('http://localhost/'), SAME_SITE)
    browser.cookies.set('theme', 'light') // document.cookie = 'theme=light'
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('theme=light; session=s; fromPage=1')
  })

  test("by default the worker's own Cookie Store, looked up at the first request, not when the jar is made", async () => {
    // Chromium gives a restarted worker that touches cookieStore while its script runs a dead one.
    const browser = fakeCookieStore([{ name: 'fromPage', value: '1' }])
    let touched = 0
    Object.defineProperty(globalThis, 'cookieStore', { configurable: true, get: () => (touched++, browser.store) })
    try {
      const jar = new CookieJar({ store: freshStore(), origin: 'http://localhost' })
      expect(touched).toBe(0)
      expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('fromPage=1')
      expect(touched).toBeGreaterThan(0)
    } finally {
      delete (globalThis as { cookieStore?: unknown }).cookieStore
    }
  })

  test("a restarted worker's first header asks the browser's jar while the stored cookies are still loading", async () => {
    const saved = freshStore()
    await new CookieJar({ store: saved, cookieStore: null }).setCookies(['kept=yes; Path=/'], url('http://localhost/'), SAME_SITE)
    // The stored read waits until the browser's jar has been asked: one after the other would never finish.
    let asked!: () => void
    const browserAsked = new Promise<void>((resolve) => (asked = resolve))
    const store: UseStore = (mode, callback) => browserAsked.then(() => saved(mode, callback))
    const browser = fakeCookieStore([{ name: 'fromPage', value: '1' }])
    const getAll = browser.store.getAll
    browser.store.getAll = (options) => (asked(), getAll(options))
    const jar = new CookieJar({ store, cookieStore: browser.store, origin: 'http://localhost' })
    const header = jar.cookieHeader(url('http://localhost/'), SAME_SITE)
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('timed out: read one after the other'), 1000))
    expect(await Promise.race([header, timeout])).toBe('kept=yes; fromPage=1')
  })
})


describe('SameSite (RFC 6265bis 5.8.3)', () => {
  const at = url('http://localhost/')
  const jarWithAll = async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    await jar.setCookies(['strict=1; Path=/; SameSite=Strict', 'lax=2; Path=/; SameSite=Lax', 'plain=3; Path=/', 'none=4; Path=/; SameSite=None; Secure', 'session=5; Path=/; HttpOnly'], at, SAME_SITE)
    return jar
  }

  test('same-site requests get every cookie', async () => {
    expect(await (await jarWithAll()).cookieHeader(at, SAME_SITE)).toBe('strict=1; lax=2; plain=3; none=4; session=5')
  })

  test('a cross-site top-level GET navigation gets Lax (the default) and None, not Strict', async () => {
    expect(await (await jarWithAll()).cookieHeader(at, CROSS_SITE_LINK)).toBe('lax=2; plain=3; none=4; session=5')
  })

  test('a cross-site POST navigation or subresource gets only None cookies', async () => {
    const jar = await jarWithAll()
    expect(await jar.cookieHeader(at, CROSS_SITE_FORM)).toBe('none=4')
    expect(await jar.cookieHeader(at, CROSS_SITE)).toBe('none=4')
    expect(await jar.cookieHeader(at, { ...CROSS_SITE_LINK, method: 'HEAD' })).toBe('lax=2; plain=3; none=4; session=5')
  })

  test('the context is asked for only when a Strict or Lax cookie is at stake', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    let asked = 0
    const lazy = async () => (asked++, SAME_SITE)
    await jar.setCookies(['none=1; Path=/; SameSite=None; Secure'], at, lazy)
    expect(await jar.cookieHeader(at, lazy)).toBe('none=1')
    expect(asked).toBe(0)
    await jar.setCookies(['lax=1; Path=/'], at, lazy)
    expect(await jar.cookieHeader(at, lazy)).toBe('none=1; lax=1')
    expect(asked).toBe(2)
  })

  test('Strict and Lax cookies from a cross-site response are ignored unless it navigates the top level', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    await jar.setCookies(['a=1; Path=/', 'b=2; Path=/; SameSite=Strict', 'c=3; Path=/; SameSite=None; Secure'], at, CROSS_SITE)
    expect(await jar.cookieHeader(at, SAME_SITE)).toBe('c=3')
    await jar.setCookies(['a=1; Path=/', 'b=2; Path=/; SameSite=Strict'], at, CROSS_SITE_FORM)
    expect(await jar.cookieHeader(at, SAME_SITE)).toBe('c=3; a=1; b=2')
  })

  test("the page's own cookies follow their SameSite; Strict when the browser does not say", async () => {
    const browser = fakeCookieStore()
    browser.store.getAll = async () => [
      { name: 'pageLax', value: '1', sameSite: 'lax' },
      { name: 'pageNone', value: '2', sameSite: 'none' },
      { name: 'pageUnknown', value: '3' },
    ]
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    expect(await jar.cookieHeader(at, SAME_SITE)).toBe('pageLax=1; pageNone=2; pageUnknown=3')
    expect(await jar.cookieHeader(at, CROSS_SITE_LINK)).toBe('pageLax=1; pageNone=2')
    expect(await jar.cookieHeader(at, CROSS_SITE)).toBe('pageNone=2')
  })
})

describe('cookies stay with their origin (RFC 6265 5.4)', () => {
  test("the browser's cookies (the worker origin's) never go to another origin's request", async () => {
    const browser = fakeCookieStore([{ name: 'workerOrigin', value: 'secret' }])
    browser.store.getAll = async (options) => {
      if (options?.url) throw new TypeError('URL must be within Service Worker scope')
      return [{ name: 'workerOrigin', value: 'secret' }]
    }
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'https://app.example' })
    await jar.setCookies(['own=1; Path=/'], url('https://attacker.test/'), SAME_SITE)
    expect(await jar.cookieHeader(url('https://attacker.test/x'), SAME_SITE)).toBe('own=1')
    expect(await jar.cookieHeader(url('https://app.example/x'), SAME_SITE)).toBe('workerOrigin=secret')
  })

  test("another origin's cookies are not mirrored into the worker origin's browser jar", async () => {
    const browser = fakeCookieStore()
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'https://app.example' })
    await jar.setCookies(['planted=1; Path=/'], url('https://attacker.test/'), SAME_SITE)
    expect(browser.calls).toEqual([])
    expect(await jar.cookieHeader(url('https://attacker.test/'), SAME_SITE)).toBe('planted=1')
  })

  test("a page cookie with a Path only goes below that path", async () => {
    const browser = fakeCookieStore()
    browser.store.getAll = async () => [{ name: 'deep', value: '1', path: '/deep' }, { name: 'root', value: '2', path: '/' }]
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    expect(await jar.cookieHeader(url('http://localhost/deep/x'), SAME_SITE)).toBe('deep=1; root=2')
    expect(await jar.cookieHeader(url('http://localhost/deeper'), SAME_SITE)).toBe('root=2')
  })
})

describe('cookies that cannot be sent as they are', () => {
  test('a page cookie above U+00FF is sent as UTF-8 bytes, as a browser sends it, and breaks nothing', async () => {
    const browser = fakeCookieStore([{ name: 'planted', value: '中文' }, { name: 'ok', value: 'é' }])
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    const header = await jar.cookieHeader(url('http://localhost/'), SAME_SITE)
    expect([...header].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true)
    const bytes = Uint8Array.from(header, (c) => c.charCodeAt(0))
    expect(new TextDecoder().decode(bytes)).toBe('planted=中文; ok=é')
  })

  test('a mirrored cookie with UTF-8 bytes shows as text in the browser and comes back as the same bytes', async () => {
    const browser = fakeCookieStore()
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    const utf8 = String.fromCharCode(...new TextEncoder().encode('naïve'))
    await jar.setCookies([`word=${utf8}; Path=/`, `raw=\xe9; Path=/`], url('http://localhost/'), SAME_SITE)
    expect(browser.cookies.get('word')).toBe('naïve')
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe(`word=${utf8}; raw=\xe9`)
  })

  test('control characters in a name or value make the browser ignore the cookie', () => {
    const at = url('http://localhost/')
    expect(parseSetCookie('a=b\x01c', at)).toBeNull()
    expect(parseSetCookie('a\x7f=b', at)).toBeNull()
    expect(parseSetCookie('a=b\tc', at)).not.toBeNull()
  })
})

describe("the browser's limits", () => {
  test("a page's cookie of any length in non-ASCII text reaches the header as its UTF-8 bytes (not spread into one call, whose argument count engines limit)", async () => {
    const { store } = fakeCookieStore([{ name: 'big', value: '日'.repeat(400_000) }])
    const jar = new CookieJar({ store: freshStore(), cookieStore: store, origin: 'http://localhost' })
    const header = await jar.cookieHeader(url('http://localhost/'), SAME_SITE)
    expect(header.length).toBe('big='.length + 3 * 400_000)
    expect(header.slice(4, 7)).toBe(String.fromCharCode(...new TextEncoder().encode('日')))
  })

  const secure = url('https://app.example.com/a/b')

  test('__Secure- needs Secure; __Host- needs Secure, no Domain and Path=/ (prefixes match case-insensitively)', () => {
    expect(parseSetCookie('__Secure-a=1', secure)).toBeNull()
    expect(parseSetCookie('__Secure-a=1; Secure', secure)).not.toBeNull()
    expect(parseSetCookie('__secure-a=1', secure)).toBeNull()
    expect(parseSetCookie('__Host-a=1; Secure; Path=/', secure)).not.toBeNull()
    expect(parseSetCookie('__Host-a=1; Path=/', secure)).toBeNull()
    expect(parseSetCookie('__Host-a=1; Secure', secure)).toBeNull() // default path /a
    expect(parseSetCookie('__Host-a=1; Secure; Path=/; Domain=app.example.com', secure)).toBeNull()
    expect(parseSetCookie('__HOST-a=1; Secure; Path=/x', secure)).toBeNull()
  })

  test('SameSite=None needs Secure', () => {
    expect(parseSetCookie('a=1; SameSite=None', secure)).toBeNull()
    expect(parseSetCookie('a=1; SameSite=None; Secure', secure)).not.toBeNull()
  })

  test('name and value together are at most 4096 bytes; a longer attribute value is ignored', () => {
    expect(parseSetCookie(`a=${'x'.repeat(4095)}`, secure)).not.toBeNull()
    expect(parseSetCookie(`a=${'x'.repeat(4096)}`, secure)).toBeNull()
    expect(parseSetCookie(`a=1; Path=/${'p'.repeat(1024)}`, secure)!.path).toBe('/a')
  })

  test('an expiry is capped at 400 days', () => {
    const year = 365 * 86_400
    expect(parseSetCookie(`a=1; Max-Age=${10 * year}`, secure, NOW)!.expires).toBe(NOW + 400 * 86_400_000)
    expect(parseSetCookie('a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT', secure, NOW)!.expires).toBe(NOW + 400 * 86_400_000)
  })

  test('at most 180 cookies per domain: the least recently used go first (down to 150)', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    const at = url('http://localhost/')
    for (let i = 0; i < 180; i++) await jar.setCookies([`c${i}=${i}; Path=/c${i}`], at, SAME_SITE, NOW + i)
    // c0 is used again, so c1... are the least recently used.
    expect(await jar.cookieHeader(url('http://localhost/c0'), SAME_SITE, NOW + 1000)).toBe('c0=0')
    await jar.setCookies(['other=1; Domain=localhost; Path=/', 'last=1; Path=/'], at, SAME_SITE, NOW + 2000)
    const names = (await jar.all(NOW + 3000)).map((c) => c.name)
    expect(names).toHaveLength(151)
    expect(names).toContain('c0')
    expect(names).toContain('last')
    expect(names).toContain('other')
    expect(names).not.toContain('c1')
    expect(names).not.toContain('c31')
    expect(names).toContain('c32')
  })

  test("evicting another host's cookies deletes nothing in the worker origin's browser jar", async () => {
    const browser = fakeCookieStore()
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    await jar.setCookies(['c0=mine; Path=/'], url('http://localhost/'), SAME_SITE, NOW)
    const lines = Array.from({ length: 181 }, (_, i) => `c${i}=theirs; Path=/`)
    await jar.setCookies(lines, url('http://other.test/'), SAME_SITE, NOW + 1)
    expect(browser.calls).toEqual(['set c0=mine path=/'])
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('c0=mine')
  })

  test('a cookie store that refuses a copy does not fail the response; the jar keeps the cookie', async () => {
    const browser = fakeCookieStore()
    browser.store.set = async () => {
      throw new TypeError('the browser refused the cookie')
    }
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store, origin: 'http://localhost' })
    await expect(jar.setCookies(['a=1; Path=/'], url('http://localhost/'), SAME_SITE)).resolves.toBeUndefined()
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('a=1')
  })
})

describe("a restarted worker's first read of the browser's jar", () => {
  test("the browser's jar is asked by URL and without at once until it has answered one (Chromium refuses the URL)", async () => {
    const calls: string[] = []
    let refuse!: () => void
    const refused = new Promise<void>((resolve) => (refuse = resolve))
    const store: CookieStoreLike = {
      getAll: async (options) => {
        calls.push(options?.url ? 'by url' : 'plain')
        if (options?.url) {
          await refused
          throw new TypeError('URL must be within Service Worker scope')
        }
        return [{ name: 'page', value: '1' }]
      },
      set: async () => {},
      delete: async () => {},
    }
    const jar = new CookieJar({ store: freshStore(), cookieStore: store, origin: 'http://localhost' })
    const header = jar.cookieHeader(url('http://localhost/'), SAME_SITE)
    // Both asked before the refusal came.
    await expect.poll(() => [...calls].sort()).toEqual(['by url', 'plain'])
    refuse()
    expect(await header).toBe('page=1')
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('page=1')
    expect(calls.slice(2)).toEqual(['plain'])
  })

  test('a browser jar that answers by URL is then asked only that way', async () => {
    const calls: string[] = []
    const store: CookieStoreLike = {
      getAll: async (options) => (calls.push(options?.url ? 'by url' : 'plain'), options?.url ? [{ name: 'scoped', value: '1' }] : []),
      set: async () => {},
      delete: async () => {},
    }
    const jar = new CookieJar({ store: freshStore(), cookieStore: store, origin: 'http://localhost' })
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('scoped=1')
    expect(await jar.cookieHeader(url('http://localhost/'), SAME_SITE)).toBe('scoped=1')
    expect(calls.slice(2)).toEqual(['by url'])
  })
})

describe('one jar for every worker of the origin (a new version installing, several scopes)', () => {
  let channels = 0
  /** Two jars on one database, as an old worker and the new one installing beside it see it. */
  function twoWorkers() {
    const store = freshStore()
    const channel = `jar-test-channel-${++channels}`
    return { store, channel, old: new CookieJar({ store, cookieStore: null, channel }), next: new CookieJar({ store, cookieStore: null, channel }) }
  }
  const at = url('http://localhost/')

  test("a login through the old worker while the new one installs is not overwritten by the new one's first write", async () => {
    const { store, old, next } = twoWorkers()
    expect(await next.cookieHeader(at, SAME_SITE)).toBe('') // the new worker's script read the jar
    await old.setCookies(['sid=LOGGED-IN; Path=/; HttpOnly', 'csrf=abc; Path=/'], at, SAME_SITE)
    await next.setCookies(['theme=dark; Path=/'], at, SAME_SITE)
    const restarted = new CookieJar({ store, cookieStore: null })
    expect(await restarted.cookieHeader(at, SAME_SITE)).toBe('sid=LOGGED-IN; csrf=abc; theme=dark')
  })

  test('a logout through the old worker does not come back through the new one', async () => {
    const { store, old, next } = twoWorkers()
    await old.setCookies(['sid=SESSION; Path=/; HttpOnly'], at, SAME_SITE)
    expect(await next.cookieHeader(at, SAME_SITE)).toBe('sid=SESSION')
    await old.setCookies(['sid=; Path=/; Max-Age=0'], at, SAME_SITE)
    await expect.poll(() => next.cookieHeader(at, SAME_SITE)).toBe('')
    await next.setCookies(['theme=dark; Path=/'], at, SAME_SITE)
    expect(await new CookieJar({ store, cookieStore: null }).cookieHeader(at, SAME_SITE)).toBe('theme=dark')
  })

  test('writes from two workers at once both land', async () => {
    const { store, old, next } = twoWorkers()
    await Promise.all([old.setCookies(['a=1; Path=/'], at, SAME_SITE), next.setCookies(['b=2; Path=/'], at, SAME_SITE)])
    expect(await new CookieJar({ store, cookieStore: null }).cookieHeader(at, SAME_SITE)).toBe('a=1; b=2')
  })
})

describe('when IndexedDB fails', () => {
  /** A store whose next `failures` operations fail as a lost IndexedDB connection does. */
  function flakyStore(failures: { reads: number; writes: number }) {
    const real = freshStore()
    const store: UseStore = (mode, callback) => {
      const left = mode === 'readonly' ? 'reads' : 'writes'
      if (failures[left] > 0) {
        failures[left]--
        return Promise.reject(new DOMException('Connection to Indexed Database server lost. Refresh the page to try again', 'UnknownError'))
      }
      return real(mode, callback)
    }
    return { store }
  }
  const at = url('http://localhost/')

  test('a failed read fails that request only: the next one reads again', async () => {
    const failures = { reads: 0, writes: 0 }
    const { store } = flakyStore(failures)
    await new CookieJar({ store, cookieStore: null }).setCookies(['sid=1; Path=/'], at, SAME_SITE)
    failures.reads = 1
    const jar = new CookieJar({ store, cookieStore: null })
    await expect(jar.cookieHeader(at, SAME_SITE)).rejects.toThrow('Connection to Indexed Database server lost')
    expect(await jar.cookieHeader(at, SAME_SITE)).toBe('sid=1')
  })

  test('a write that fails changes nothing, in the worker as in the database', async () => {
    const failures = { reads: 0, writes: 0 }
    const { store } = flakyStore(failures)
    const jar = new CookieJar({ store, cookieStore: null })
    await jar.setCookies(['sid=SESSION; Path=/; HttpOnly'], at, SAME_SITE)
    failures.writes = 1
    await expect(jar.setCookies(['sid=; Path=/; Max-Age=0'], at, SAME_SITE)).rejects.toThrow('Connection to Indexed Database server lost')
    expect(await jar.cookieHeader(at, SAME_SITE)).toBe('sid=SESSION')
    expect(await new CookieJar({ store, cookieStore: null }).cookieHeader(at, SAME_SITE)).toBe('sid=SESSION')
  })
})
