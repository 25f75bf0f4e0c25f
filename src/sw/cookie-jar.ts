import { createStore, get, update, type UseStore } from 'idb-keyval'
import { changeChannel } from '../change-channel.js'
import { decodeLatin1 } from '../bytes.js'

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
  /** When it last went with a request (ms since the epoch); the per-domain limit evicts the least recent. */
  lastAccess?: number
}

/**
 * Who a request comes from, as RFC 6265bis 5.8.3 needs it to pick cookies (`requestSite()` in
 * same-site.ts tells it for a FetchEvent).
 */
export interface RequestSite {
  /** Same-site with the page that made it (and that page's ancestors): Strict and Lax cookies go. */
  sameSite: boolean
  /** Navigates a top-level window: cross-site, Lax cookies still go with GET/HEAD, and its response may set them. */
  topLevel: boolean
  method: string
}

/** A request's site, or a function to find it out, called only when a Strict or Lax cookie is at stake. */
export type SiteOf = RequestSite | (() => Promise<RequestSite>)

/** A cookie as the browser's jar reports it: the spec promises name and value, Chromium adds the attributes. */
export interface BrowserCookie {
  name: string
  value: string
  path?: string | null
  sameSite?: string | null
}

/** The part of the Cookie Store API the jar uses. */
export interface CookieStoreLike {
  getAll(options?: { url?: string }): Promise<BrowserCookie[]>
  /** `secure` is not the API's (its cookies are always Secure) but a page writing document.cookie needs it. */
  set(options: { name: string; value: string; expires?: number | null; domain?: string; path?: string; sameSite?: string; secure?: boolean; partitioned?: boolean }): Promise<void>
  delete(options: { name: string; domain?: string; path?: string; partitioned?: boolean }): Promise<void>
}

// The browser's limits (RFC 6265bis 5.6 and 5.7; the per-domain and total counts are Chromium's).
const MAX_NAME_VALUE = 4096
const MAX_ATTRIBUTE = 1024
const MAX_LIFETIME = 400 * 86_400_000
const PER_DOMAIN = { max: 180, keep: 150 }
const TOTAL = { max: 3300, keep: 3000 }
// Control characters (tab aside) make a browser ignore a cookie; above U+00FF cannot be a header byte.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/
const NOT_A_HEADER_BYTE = /[\x00-\x08\x0a-\x1f\x7f\u0100-\uffff]/
const SAFE_METHODS = new Set(['GET', 'HEAD'])

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
  if (!name || CONTROL.test(name) || CONTROL.test(value) || name.length + value.length > MAX_NAME_VALUE) return null
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
    if (val.length > MAX_ATTRIBUTE) continue
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
  if (cookie.sameSite === 'none' && !cookie.secure) return null
  if (/^__secure-/i.test(name) && !cookie.secure) return null
  if (/^__host-/i.test(name) && !(cookie.secure && cookie.hostOnly && cookie.path === '/')) return null
  const expiry = maxAge ?? expires // Max-Age wins over Expires
  cookie.expires = expiry === null ? null : Math.min(expiry, now + MAX_LIFETIME)
  return cookie
}

const sameCookie = (a: StoredCookie, b: StoredCookie) => a.name === b.name && a.domain === b.domain && a.path === b.path
const cookieKey = (cookie: StoredCookie) => `${cookie.name};${cookie.domain};${cookie.path}`
const expired = (cookie: StoredCookie, now: number) => cookie.expires !== null && cookie.expires <= now
const lastUsed = (cookie: StoredCookie) => cookie.lastAccess ?? cookie.created

/** Whether a cookie with this SameSite goes with a request from `site` (RFC 6265bis 5.8.3). */
function sameSiteAllows(sameSite: StoredCookie['sameSite'], site: RequestSite | null): boolean {
  if (sameSite === 'none') return true
  if (site!.sameSite) return true
  return sameSite === 'lax' && site!.topLevel && SAFE_METHODS.has(site!.method)
}

const resolveSite = (site: SiteOf) => (typeof site === 'function' ? site() : site)

const utf8 = /* @__PURE__ */ new TextEncoder()
const strictUTF8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })
const ASCII = /^[\x00-\x7f]*$/

/** The header form of text from the browser: its UTF-8 bytes, one character per byte, as a browser sends them. */
function headerBytes(text: string): string {
  return ASCII.test(text) ? text : decodeLatin1(utf8.encode(text))
}

/** What the browser shows for a value the jar holds as header bytes: their UTF-8 text when they are some. */
function browserText(bytes: string): string {
  if (ASCII.test(bytes)) return bytes
  try {
    return strictUTF8.decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)))
  } catch {
    return bytes
  }
}

/** One cookie on its way into a `cookie` header, from the jar (`stored`) or from the browser's jar. */
interface Outgoing {
  name: string
  value: string
  sameSite: StoredCookie['sameSite']
  stored?: StoredCookie
}

const SAME_SITE_VALUES = new Set(['strict', 'lax', 'none'])

/**
 * The worker's cookie jar: `Set-Cookie` from the app lands here (persisted in IndexedDB) and the
 * next request's `cookie` header is built from it. Cookies without HttpOnly are mirrored to the
 * browser's own jar through the Cookie Store API, so `document.cookie` sees them. The browser's
 * jar is also a source: the page's own cookies, for requests to the worker's origin only.
 */
export class CookieJar {
  /** The stored cookies as this worker last read or wrote them; null: read them again. */
  #cookies: Promise<StoredCookie[]> | null = null
  readonly #store: UseStore
  readonly #channel: BroadcastChannel | undefined
  /** The browser's jar given to the constructor: null for none, undefined for the worker's own. */
  readonly #browserOption: CookieStoreLike | null | undefined
  /** The origin whose cookies the browser's jar (the Cookie Store API of this worker) holds. */
  readonly #origin: string | undefined
  readonly #host: string | undefined
  /** Whether the browser's jar answers for a request's URL; undefined until it has said. */
  #urlAccepted: boolean | undefined

  /**
   * `channel` names the BroadcastChannel through which the jars sharing `store` tell each other
   * of a write (default: one for the default store, none for a store of your own).
   */
  constructor(options: { store?: UseStore; cookieStore?: CookieStoreLike | null; origin?: string; channel?: string | null } = {}) {
    this.#store = options.store ?? createStore('swasgi-cookies', 'jar')
    this.#browserOption = options.cookieStore
    this.#origin = options.origin ?? (globalThis as { location?: { origin: string } }).location?.origin
    this.#host = this.#origin && new URL(this.#origin).hostname
    // Every worker of the origin shares the database: what one writes, the others read again.
    this.#channel = changeChannel(options.channel, options.store !== undefined, 'swasgi-cookies', () => (this.#cookies = null))
  }

  /**
   * The browser's jar by default, looked up when a request needs it: Chromium gives a restarted
   * worker that touches `self.cookieStore` while its script is evaluated a dead one (see serve()).
   */
  get #browser(): CookieStoreLike | undefined {
    const option = this.#browserOption
    return option === null ? undefined : (option ?? (globalThis as { cookieStore?: CookieStoreLike }).cookieStore)
  }

  #load(): Promise<StoredCookie[]> {
    // A failed read fails the requests waiting for it only: the next one reads again.
    this.#cookies ??= get<StoredCookie[]>('cookies', this.#store).then(
      (saved) => saved ?? [],
      (error) => {
        this.#cookies = null
        throw error
      },
    )
    return this.#cookies
  }

  /** Every unexpired cookie in the jar. */
  async all(now = Date.now()): Promise<StoredCookie[]> {
    return (await this.#load()).filter((cookie) => !expired(cookie, now))
  }

  /**
   * Applies the `Set-Cookie` values of one response to `url`, in order, then persists the jar.
   * Strict and Lax cookies from a cross-site response are ignored unless it navigates the top level.
   * `browser` is the browser's jar as this request sees it (default: the worker's Cookie Store).
   */
  async setCookies(lines: string[], url: URL, site: SiteOf, now = Date.now(), browser = this.#browser): Promise<void> {
    const parsed = lines.map((line) => parseSetCookie(line, url, now)).filter((cookie) => cookie !== null)
    const from = parsed.some((cookie) => cookie.sameSite !== 'none') ? await resolveSite(site) : null
    const accepted = parsed.filter((cookie) => cookie.sameSite === 'none' || from!.sameSite || from!.topLevel)
    if (!accepted.length) return
    const fromOwnOrigin = url.origin === this.#origin
    // When this worker last sent each cookie: kept in memory, saved with the next write.
    const sent = new Map((await this.#cookies?.catch(() => null))?.map((cookie) => [cookieKey(cookie), lastUsed(cookie)]))
    const mirror: StoredCookie[] = []
    let written!: StoredCookie[]
    // One transaction reads the jar and writes it back: other workers' writes since this one last
    // read it stay, and a write that fails changes nothing (in memory either).
    await update<StoredCookie[]>(
      'cookies',
      (saved = []) => {
        let cookies = saved.filter((cookie) => !expired(cookie, now))
        for (const cookie of cookies) cookie.lastAccess = Math.max(lastUsed(cookie), sent.get(cookieKey(cookie)) ?? 0)
        for (const cookie of accepted) {
          const index = cookies.findIndex((old) => sameCookie(old, cookie))
          if (index >= 0) cookie.created = cookies.splice(index, 1)[0].created
          cookie.lastAccess = now
          if (!expired(cookie, now)) cookies.push(cookie)
          if (fromOwnOrigin && this.#mirrored(cookie, browser)) mirror.push(cookie)
          const sameDomain = cookies.filter((other) => other.domain === cookie.domain)
          if (sameDomain.length > PER_DOMAIN.max) cookies = this.#evict(cookies, sameDomain, PER_DOMAIN.keep, browser, mirror)
        }
        if (cookies.length > TOTAL.max) cookies = this.#evict(cookies, [...cookies], TOTAL.keep, browser, mirror)
        return (written = cookies)
      },
      this.#store,
    )
    this.#cookies = Promise.resolve(written)
    this.#channel?.postMessage(0)
    await Promise.all(mirror.map((cookie) => this.#mirror(cookie, now, browser!)))
  }

  /** `cookies` without the least recently used of `among`, until `keep` of those remain; their browser copies join `mirror` as deletions. */
  #evict(cookies: StoredCookie[], among: StoredCookie[], keep: number, browser: CookieStoreLike | undefined, mirror: StoredCookie[]): StoredCookie[] {
    const gone = new Set(among.sort((a, b) => lastUsed(a) - lastUsed(b)).slice(0, among.length - keep))
    for (const cookie of gone) if (this.#mirrored(cookie, browser)) mirror.push({ ...cookie, expires: -Infinity })
    return cookies.filter((cookie) => !gone.has(cookie))
  }

  /** Whether the browser's jar holds a copy of `cookie` (one for the worker's own host). */
  #mirrored(cookie: StoredCookie, browser: CookieStoreLike | undefined): boolean {
    if (browser === undefined || cookie.httpOnly || !this.#host) return false
    return cookie.hostOnly ? cookie.domain === this.#host : domainMatch(this.#host, cookie.domain)
  }

  async #mirror(cookie: StoredCookie, now: number, browser: CookieStoreLike): Promise<void> {
    const where = { name: cookie.name, path: cookie.path, ...(cookie.hostOnly ? {} : { domain: cookie.domain }) }
    try {
      if (expired(cookie, now)) await browser.delete(where)
      else {
        const value = browserText(cookie.value)
        const flags = { ...(cookie.secure ? { secure: true } : {}), ...(cookie.partitioned ? { partitioned: true } : {}) }
        await browser.set({ ...where, value, expires: cookie.expires, sameSite: cookie.sameSite, ...flags })
      }
    } catch {
      // The browser may refuse a copy the jar accepted (its own limits); the app still gets the jar's.
    }
  }

  /**
   * The `cookie` header for a request to `url` from `site`: the jar's cookies, with the values the
   * page may have changed in the browser's jar, plus the cookies the page set itself. `browser`
   * is the browser's jar as this request sees it (default: the worker's Cookie Store).
   */
  async cookieHeader(url: URL, site: SiteOf, now = Date.now(), browser = this.#browser): Promise<string> {
    const host = url.hostname.toLowerCase()
    const secure = secureURL(url)
    // Both jars at once: in a restarted worker the stored cookies are an IndexedDB read away.
    const fromBrowser = browser && url.origin === this.#origin ? this.#browserCookies(url, browser) : null
    fromBrowser?.catch(() => {}) // awaited below, unless reading the jar fails first
    const outgoing: Outgoing[] = (await this.#load())
      .filter(
        (c) =>
          !expired(c, now) &&
          (c.hostOnly ? host === c.domain : domainMatch(host, c.domain)) &&
          pathMatch(url.pathname, c.path) &&
          (!c.secure || secure),
      )
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
      .map((c) => ({ name: c.name, value: c.value, sameSite: c.sameSite, stored: c }))
    if (fromBrowser) this.#addBrowserCookies(outgoing, await fromBrowser, url)
    const from = outgoing.some((c) => c.sameSite !== 'none') ? await resolveSite(site) : null
    const pairs: string[] = []
    for (const cookie of outgoing) {
      if (!sameSiteAllows(cookie.sameSite, from) || NOT_A_HEADER_BYTE.test(cookie.name) || NOT_A_HEADER_BYTE.test(cookie.value)) continue
      if (cookie.stored) cookie.stored.lastAccess = now // persisted with the next change
      pairs.push(`${cookie.name}=${cookie.value}`)
    }
    return pairs.join('; ')
  }

  /**
   * Merges the browser's cookies into `outgoing`: a changed value of a mirrored cookie replaces the
   * jar's, a name the jar does not hold is the page's own cookie. The jar stays the source of truth
   * for what it holds: a Chromium worker that touched its cookieStore while its script was being
   * evaluated gets one that answers [] while document.cookie holds the cookie (see serve()).
   */
  #addBrowserCookies(outgoing: Outgoing[], browser: BrowserCookie[], url: URL): void {
    const visible = new Map<string, Outgoing>()
    for (const cookie of outgoing) if (!cookie.stored!.httpOnly && !visible.has(cookie.name)) visible.set(cookie.name, cookie)
    const held = new Set(outgoing.map((cookie) => cookie.name))
    for (const { name, value, path, sameSite } of browser) {
      if (path && !pathMatch(url.pathname, path)) continue
      // Unknown SameSite (browsers that report only name and value): the safe side.
      const mode = SAME_SITE_VALUES.has(sameSite?.toLowerCase() ?? '') ? (sameSite!.toLowerCase() as StoredCookie['sameSite']) : 'strict'
      const mirrored = visible.get(name)
      if (mirrored) {
        if (value !== browserText(mirrored.value)) Object.assign(mirrored, { value: headerBytes(value), sameSite: mode })
      } else if (!held.has(name)) {
        outgoing.push({ name, value: headerBytes(value), sameSite: mode })
      }
    }
  }

  async #browserCookies(url: URL, browser: CookieStoreLike): Promise<BrowserCookie[]> {
    const plain = () => browser.getAll().catch((): BrowserCookie[] => [])
    if (this.#urlAccepted === false) return plain()
    // Until the browser has answered one, ask both ways at once: the refusal takes a round trip too.
    const fallback = this.#urlAccepted === undefined ? plain() : undefined
    try {
      const cookies = await browser.getAll({ url: url.href })
      this.#urlAccepted = true
      return cookies
    } catch {
      // Chromium answers only for the worker script's URL ("must be within Service Worker scope"), the default.
      this.#urlAccepted = false
      return fallback ?? plain()
    }
  }
}
