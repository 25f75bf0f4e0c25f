import 'fake-indexeddb/auto'
import { describe, expect, test } from 'vitest'
import { createStore } from 'idb-keyval'
import { CookieJar, parseSetCookie, type CookieStoreLike } from '../../src/sw/cookie-jar.js'

let n = 0
const freshStore = () => createStore(`jar-test-${++n}`, 'jar')
const url = (href: string) => new URL(href)
const NOW = Date.UTC(2037, 0, 22, 12)

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
    await jar.setCookies(['a=1; Path=/', 'b=2; Path=/'], url('http://localhost/api/x'))
    expect(await jar.cookieHeader(url('http://localhost/other'))).toBe('a=1; b=2')
  })

  test('path matching and ordering (longer paths first)', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    const at = url('http://localhost/')
    await jar.setCookies(['root=1; Path=/', 'deep=2; Path=/api', 'other=3; Path=/apix'], at)
    expect(await jar.cookieHeader(url('http://localhost/api/items'))).toBe('deep=2; root=1')
    expect(await jar.cookieHeader(url('http://localhost/apix'))).toBe('other=3; root=1')
    expect(await jar.cookieHeader(url('http://localhost/'))).toBe('root=1')
  })

  test('domain matching: host-only vs Domain cookies', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    await jar.setCookies(['host=1; Path=/', 'wide=2; Domain=example.com; Path=/'], url('https://app.example.com/'))
    expect(await jar.cookieHeader(url('https://app.example.com/'))).toBe('host=1; wide=2')
    expect(await jar.cookieHeader(url('https://other.example.com/'))).toBe('wide=2')
  })

  test('Secure cookies only go to secure URLs', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    await jar.setCookies(['s=1; Secure; Domain=example.com; Path=/'], url('https://example.com/'))
    expect(await jar.cookieHeader(url('https://example.com/'))).toBe('s=1')
    expect(await jar.cookieHeader(url('http://example.com/'))).toBe('')
  })

  test('replacing keeps one cookie per name/domain/path; Max-Age=0 deletes; expiry is honoured', async () => {
    const jar = new CookieJar({ store: freshStore(), cookieStore: null })
    const at = url('http://localhost/')
    await jar.setCookies(['a=1; Path=/', 'a=2; Path=/', 'gone=1; Path=/', 'brief=1; Path=/; Max-Age=5'], at, NOW)
    await jar.setCookies(['gone=""; Max-Age=0; Path=/'], at, NOW)
    expect(await jar.cookieHeader(at, NOW)).toBe('a=2; brief=1')
    expect(await jar.cookieHeader(at, NOW + 6000)).toBe('a=2')
  })

  test('persisted: a new jar over the same store (a restarted worker) sees the cookies', async () => {
    const store = freshStore()
    await new CookieJar({ store, cookieStore: null }).setCookies(['kept=yes; Path=/; HttpOnly'], url('http://localhost/'))
    expect(await new CookieJar({ store, cookieStore: null }).cookieHeader(url('http://localhost/'))).toBe('kept=yes')
  })

  test('non-HttpOnly cookies are mirrored to the Cookie Store API, HttpOnly ones are not', async () => {
    const browser = fakeCookieStore()
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store })
    await jar.setCookies(['theme=dark; Path=/', 'session=s; HttpOnly; Path=/'], url('http://localhost/'))
    expect(browser.calls).toEqual(['set theme=dark path=/'])
    await jar.setCookies(['theme=""; Max-Age=0; Path=/'], url('http://localhost/'))
    expect(browser.calls.at(-1)).toBe('delete theme')
  })

  test("the header merges the page's own cookies and the page's changes to mirrored ones", async () => {
    const browser = fakeCookieStore([{ name: 'fromPage', value: '1' }])
    const jar = new CookieJar({ store: freshStore(), cookieStore: browser.store })
    await jar.setCookies(['theme=dark; Path=/', 'session=s; HttpOnly; Path=/'], url('http://localhost/'))
    browser.cookies.set('theme', 'light') // document.cookie = 'theme=light'
    expect(await jar.cookieHeader(url('http://localhost/'))).toBe('theme=light; session=s; fromPage=1')
  })
})
