import { createStore, get, set, type UseStore } from 'idb-keyval'

/** One cookie as RFC 6265 section 5.3 stores it. */
export interface StoredCookie {
  name: string
  value: string
  domain: string
  hostOnly: boolean
  path: string
  /** Expiry in ms since the epoch, or null for a session cookie. */
  expires: number | null
  secure: boolean
  httpOnly: boolean
  sameSite: 'strict' | 'lax' | 'none'
  partitioned: boolean
  created: number
}

/** The part of the Cookie Store API the jar uses. */
export interface CookieStoreLike {
  getAll(options?: { url?: string }): Promise<{ name: string; value: string }[]>
  set(options: { name: string; value: string; expires?: number | null; domain?: string; path?: string; sameSite?: string; partitioned?: boolean }): Promise<void>
  delete(options: { name: string; domain?: string; path?: string; partitioned?: boolean }): Promise<void>
}

/** Whether a host counts as secure for `Secure` cookies (browsers treat loopback as secure). */
function secureURL(url: URL): boolean {
  return url.protocol === 'https:' || url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
}

/** RFC 6265 5.1.4 default-path. */
function defaultPath(url: URL): string {
  const path = url.pathname
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/'
  return path.slice(0, path.lastIndexOf('/'))
}

/** RFC 6265 5.1.3 domain-match. */
function domainMatch(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !/^[\d.]+$|:/.test(host))
}

/** RFC 6265 5.1.4 path-match. */
function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'
}

/** Parses one Set-Cookie value received for `url` (RFC 6265 5.2 and 5.3); null when it must be ignored. */
export function parseSetCookie(line: string, url: URL, now = Date.now()): StoredCookie | null {
  const [pair, ...attributes] = line.split(';')
  const eq = pair.indexOf('=')
  if (eq < 0) return null
  const name = pair.slice(0, eq).trim()
  // Quotes (Starlette quotes values with special characters) stay part of the value, as browsers keep them.
  const value = pair.slice(eq + 1).trim()
  if (!name) return null
  const host = url.hostname.toLowerCase()
  const cookie: StoredCookie = {
    name,
    value,
    domain: host,
    hostOnly: true,
    path: defaultPath(url),
    expires: null,
    secure: false,
    httpOnly: false,
    sameSite: 'lax',
    partitioned: false,
    created: now,
  }
  let maxAge: number | null = null
  let expires: number | null = null
  for (const attribute of attributes) {
    const at = attribute.indexOf('=')
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase()
    const val = at < 0 ? '' : attribute.slice(at + 1).trim()
    if (key === 'expires') {
      const time = Date.parse(val)
      if (!Number.isNaN(time)) expires = time
    } else if (key === 'max-age') {
      if (/^-?\d+$/.test(val)) maxAge = Number(val) <= 0 ? -Infinity : now + Number(val) * 1000
    } else if (key === 'domain') {
      const domain = val.replace(/^\./, '').toLowerCase()
      if (domain) {
        if (!domainMatch(host, domain)) return null
        cookie.domain = domain
        cookie.hostOnly = false
      }
    } else if (key === 'path') {
      cookie.path = val.startsWith('/') ? val : defaultPath(url)
    } else if (key === 'secure') cookie.secure = true
    else if (key === 'httponly') cookie.httpOnly = true
    else if (key === 'partitioned') cookie.partitioned = true
    else if (key === 'samesite') {
      const mode = val.toLowerCase()
      if (mode === 'strict' || mode === 'lax' || mode === 'none') cookie.sameSite = mode
    }
  }
  if (cookie.secure && !secureURL(url)) return null
  cookie.expires = maxAge ?? expires // Max-Age wins over Expires
  return cookie
}

const sameCookie = (a: StoredCookie, b: StoredCookie) => a.name === b.name && a.domain === b.domain && a.path === b.path
const expired = (cookie: StoredCookie, now: number) => cookie.expires !== null && cookie.expires <= now

/**
 * The worker's cookie jar: `Set-Cookie` from the app lands here (persisted in IndexedDB) and the
 * next request's `cookie` header is built from it. Cookies without HttpOnly are mirrored to the
 * browser's own jar through the Cookie Store API, so `document.cookie` sees them.
 */
export class CookieJar {
  #cookies: Promise<StoredCookie[]> | null = null
  readonly #store: UseStore
  readonly #browser: CookieStoreLike | undefined

  constructor(options: { store?: UseStore; cookieStore?: CookieStoreLike | null } = {}) {
    this.#store = options.store ?? createStore('swasgi-cookies', 'jar')
    this.#browser =
      options.cookieStore === null ? undefined : (options.cookieStore ?? (globalThis as { cookieStore?: CookieStoreLike }).cookieStore)
  }

  #load(): Promise<StoredCookie[]> {
    this.#cookies ??= get<StoredCookie[]>('cookies', this.#store).then((saved) => saved ?? [])
    return this.#cookies
  }

  /** Every unexpired cookie in the jar. */
  async all(now = Date.now()): Promise<StoredCookie[]> {
    return (await this.#load()).filter((cookie) => !expired(cookie, now))
  }

  /** Applies the `Set-Cookie` values of one response to `url`, in order, then persists the jar. */
  async setCookies(lines: string[], url: URL, now = Date.now()): Promise<void> {
    const cookies = await this.#load()
    const mirror: Promise<void>[] = []
    for (const line of lines) {
      const cookie = parseSetCookie(line, url, now)
      if (!cookie) continue
      const index = cookies.findIndex((old) => sameCookie(old, cookie))
      if (index >= 0) {
        cookie.created = cookies[index].created
        cookies.splice(index, 1)
      }
      if (!expired(cookie, now)) cookies.push(cookie)
      if (!cookie.httpOnly && this.#browser) mirror.push(this.#mirror(cookie, now))
    }
    const live = cookies.filter((cookie) => !expired(cookie, now))
    cookies.splice(0, cookies.length, ...live)
    await Promise.all([set('cookies', cookies, this.#store), ...mirror])
  }

  async #mirror(cookie: StoredCookie, now: number): Promise<void> {
    const where = { name: cookie.name, path: cookie.path, ...(cookie.hostOnly ? {} : { domain: cookie.domain }) }
    if (expired(cookie, now)) return this.#browser!.delete(where)
    return this.#browser!.set({ ...where, value: cookie.value, expires: cookie.expires, sameSite: cookie.sameSite, ...(cookie.partitioned ? { partitioned: true } : {}) })
  }

  /**
   * The `cookie` header for a request to `url`: the jar's cookies, with the values the page may
   * have changed in the browser's jar, plus the cookies the page set itself.
   */
  async cookieHeader(url: URL, now = Date.now()): Promise<string> {
    const host = url.hostname.toLowerCase()
    const secure = secureURL(url)
    const mine = (await this.#load())
      .filter(
        (c) =>
          !expired(c, now) &&
          (c.hostOnly ? host === c.domain : domainMatch(host, c.domain)) &&
          pathMatch(url.pathname, c.path) &&
          (!c.secure || secure),
      )
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
    const pairs = mine.map((c) => [c.name, c.value])
    if (this.#browser) {
      // The jar stays the source of truth for what it holds: a restarted Chromium worker's
      // cookieStore has been seen answering [] while document.cookie still held the cookie.
      const visible = new Map(mine.filter((c) => !c.httpOnly).map((c) => [c.name, pairs[mine.indexOf(c)]]))
      const held = new Set(mine.map((c) => c.name))
      for (const { name, value } of await this.#browserCookies(url)) {
        const pair = visible.get(name)
        if (pair) pair[1] = value
        else if (!held.has(name)) pairs.push([name, value])
      }
    }
    return pairs.map(([name, value]) => `${name}=${value}`).join('; ')
  }

  async #browserCookies(url: URL): Promise<{ name: string; value: string }[]> {
    try {
      return await this.#browser!.getAll({ url: url.href })
    } catch {
      return this.#browser!.getAll() // Chromium refuses most URLs here ("must be within Service Worker scope")
    }
  }
}
