/**
 * Cookies kept in sync through the pages, where the worker's Cookie Store API does not reach the
 * browser's jar (Firefox, depending on the worker; WebKit cannot set). The page side is
 * register(): it answers with document.cookie when asked and writes what the worker sends into
 * document.cookie. Every page of the origin shares one browser jar, so any page can do the write.
 */
import { createStore, get, update, type UseStore } from 'idb-keyval'
import { changeChannel } from '../change-channel.js'
import { COOKIES_READ, COOKIES_WRITE } from '../messages.js'
import type { BrowserCookie, CookieStoreLike } from './cookie-jar.js'

/** The part of a worker's `clients` the sync uses. */
export interface PageClientsLike {
  get(id: string): Promise<{ postMessage(message: unknown, transfer: Transferable[]): void } | undefined>
}

/** The name of the probe cookie; reads made before the probe's verdict leave it out. */
export const PROBE = '__swasgi_probe'

/** How long the probe waits for a `set()` before it looks whether the cookie is there anyway (ms). */
const SET_GRACE = 10
/** How long the probe waits for any one call at most: past it, the store does not work (ms). */
const CALL_LIMIT = 5000

/** Whether `promise` settles within `ms` (it is left to run either way). */
const settles = (promise: Promise<unknown>, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(resolve, ms, false)
    const done = () => (clearTimeout(timer), resolve(true))
    promise.then(done, done)
  })

/**
 * Whether `store` really keeps cookies here, told by behaviour: a probe cookie set and read back
 * (and deleted). Firefox and WebKit have resolved `set()` without storing anything; Firefox 140's
 * worker stores the cookie but never settles `set()`, which would hang every write: a `set()`
 * still pending once a read shows its cookie fails the probe. No call is waited for forever.
 */
export async function cookieStoreWorks(store: CookieStoreLike | undefined): Promise<boolean> {
  if (!store) return false
  const value = Math.random().toString(36).slice(2)
  const answer = async <T>(call: Promise<T>) => {
    if (await settles(call, CALL_LIMIT)) return call
    throw new Error('no answer')
  }
  const holdsProbe = async () => (await answer(store.getAll())).some((cookie) => cookie.name === PROBE && cookie.value === value)
  try {
    const set = store.set({ name: PROBE, value, expires: Date.now() + 60_000 })
    // Slow, or never to settle: a read tells (a working store answers set() before a later read).
    if (!(await settles(set, SET_GRACE)) && !(await settles(set, (await holdsProbe()) ? SET_GRACE : CALL_LIMIT))) {
      store.delete({ name: PROBE }).catch(() => {})
      return false
    }
    await set
    const works = await holdsProbe()
    if (works) await answer(store.delete({ name: PROBE }))
    return works
  } catch {
    return false
  }
}

/** The document.cookie assignment that sets (or, with `expires` in the past, deletes) a cookie. */
function assignment(cookie: Parameters<CookieStoreLike['set']>[0]): string {
  let line = `${cookie.name}=${cookie.value}; path=${cookie.path ?? '/'}`
  if (cookie.domain) line += `; domain=${cookie.domain}`
  if (cookie.expires != null) line += `; expires=${new Date(Math.max(cookie.expires, 0)).toUTCString()}`
  if (cookie.sameSite) line += `; samesite=${cookie.sameSite}`
  if (cookie.secure) line += '; secure'
  if (cookie.partitioned) line += '; partitioned'
  return line
}

/** document.cookie's pairs, in its order. */
export function parseDocumentCookie(text: string): BrowserCookie[] {
  const cookies: BrowserCookie[] = []
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=')
    // A pair without "=" is a cookie with an empty name.
    const cookie = eq < 0 ? { name: '', value: pair.trim() } : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() }
    if (cookie.name || cookie.value) cookies.push(cookie)
  }
  return cookies
}

/** A page's document.cookie by name, for requests no page answers (bounded: it comes from a page). */
const snapshotOf = (text: string) => new Map(parseDocumentCookie(text.slice(0, 1 << 16)).map((c) => [c.name, c.value]))

/** One cookie on its way into document.cookie. */
interface Write {
  key: string
  line: string
}

/** Where a pending write goes: one entry per cookie, a later write replacing an earlier one. */
const writeKey = (cookie: { name: string; path?: string; domain?: string }) => `${cookie.name};${cookie.path ?? '/'};${cookie.domain ?? ''}`

/** The cookies that assignment() lines set, by name; null for those they delete (expiry in the past). */
function assignedValues(lines: Iterable<string>, now = Date.now()): Map<string, string | null> {
  const values = new Map<string, string | null>()
  for (const line of lines) {
    const pair = line.slice(0, line.indexOf(';'))
    const eq = pair.indexOf('=')
    const expires = /; expires=([^;]+)/.exec(line)
    values.set(pair.slice(0, eq), expires && Date.parse(expires[1]) <= now ? null : pair.slice(eq + 1))
  }
  return values
}

/** Brings `snapshot` up to date with assignment() lines a page makes or is to make. */
function apply(snapshot: Map<string, string>, lines: Iterable<string>): void {
  for (const [name, value] of assignedValues(lines)) {
    if (value === null) snapshot.delete(name)
    else snapshot.set(name, value)
  }
}

/**
 * The browser's jar as it will be once the pending writes are made. Until a page makes them, the
 * jar (and any page's report of it) shows the old values, which would pass for the page's own.
 */
function withPending(cookies: BrowserCookie[], pending: Map<string, string>): BrowserCookie[] {
  if (!pending.size) return cookies
  const waiting = assignedValues(pending.values())
  const kept = cookies.filter((cookie) => !waiting.has(cookie.name))
  for (const [name, value] of waiting) if (value !== null) kept.push({ name, value })
  return kept
}

/** What survives the worker being stopped and started again (pages stay open meanwhile). */
interface Saved {
  pages: string[]
  snapshot: [string, string][]
  pending: [string, string][]
}

/** The sync's state: the pages that said hello, the last document.cookie, the writes no page took yet. */
interface State {
  pages: Set<string>
  snapshot: Map<string, string>
  pending: Map<string, string>
}

const revive = (saved: Saved | undefined): State => ({ pages: new Set(saved?.pages), snapshot: new Map(saved?.snapshot), pending: new Map(saved?.pending) })

// Enough for every open page; the oldest is forgotten first (it may be long gone).
const MAX_PAGES = 64

/**
 * The worker side of the sync. It knows the pages that run register() (they say hello), asks the
 * page behind a request for its document.cookie, writes the app's cookies into a page, keeps what
 * no page could take until the next hello, and keeps the last document.cookie a page reported for
 * requests no page can answer (a navigation, a page that is busy or gone). All of it is persisted:
 * a stopped worker comes back knowing its pages.
 */
export class PageCookies {
  readonly #clients: PageClientsLike
  readonly #timeout: number
  /** The browser's own Cookie Store, read where no page answers: WebKit's getAll() works. */
  readonly #browser: CookieStoreLike | undefined
  readonly #store: UseStore
  readonly #channel: BroadcastChannel | undefined
  /** The state as this worker last read or changed it; undefined: read it again. */
  #state: Promise<State> | undefined
  /** A document.cookie a page answered since the last change, which the next change keeps. */
  #seen: Map<string, string> | undefined

  /**
   * `channel` names the BroadcastChannel through which the syncs sharing `store` tell each other
   * of a change (default: one for the default store, none for a store of your own).
   */
  constructor(clients: PageClientsLike, options: { timeout?: number; cookieStore?: CookieStoreLike; store?: UseStore; channel?: string | null } = {}) {
    this.#clients = clients
    this.#timeout = options.timeout ?? 250
    this.#browser = options.cookieStore
    this.#store = options.store ?? createStore('swasgi-page-cookies', 'sync')
    // Every worker of the origin shares the state, as its pages share one jar (see CookieJar).
    this.#channel = changeChannel(options.channel, options.store !== undefined, 'swasgi-page-cookies', () => (this.#state = undefined))
  }

  #load(): Promise<State> {
    this.#state ??= get<Saved>('sync', this.#store).then(revive, () => revive(undefined))
    return this.#state
  }

  /**
   * Makes `change` to the state as saved, in one transaction (another worker's changes stay), and
   * keeps the result; resolves with what `change` returns. Where IndexedDB fails, the change is
   * made to this worker's state alone.
   */
  async #change<T>(change: (state: State) => T): Promise<T> {
    let next!: State
    let result!: T
    const make = (state: State) => {
      if (this.#seen) state.snapshot = new Map(this.#seen)
      result = change(state)
      return state
    }
    try {
      await update<Saved>(
        'sync',
        (saved) => {
          const { pages, snapshot, pending } = (next = make(revive(saved)))
          return { pages: [...pages], snapshot: [...snapshot], pending: [...pending] }
        },
        this.#store,
      )
      this.#channel?.postMessage(0)
    } catch {
      next = make(await this.#load())
    }
    this.#seen = undefined
    this.#state = Promise.resolve(next)
    return result
  }

  /** A page runs register(): remember it and its cookies; resolves with the writes it should make now. */
  hello(clientId: string, cookie: string): Promise<string[]> {
    return this.#change((state) => {
      state.pages.delete(clientId)
      state.pages.add(clientId)
      if (state.pages.size > MAX_PAGES) state.pages.delete(state.pages.values().next().value!)
      state.snapshot = snapshotOf(cookie)
      const writes = [...state.pending.values()]
      // The page makes them next: its jar is to be read with them.
      apply(state.snapshot, writes)
      state.pending.clear()
      return writes
    })
  }

  /** A page's document.cookie, reported as it hides (`gone`: it is leaving, ask it no more). */
  async report(cookie: string, clientId: string, gone: boolean): Promise<void> {
    this.#seen = undefined
    await this.#change((state) => {
      state.snapshot = snapshotOf(cookie)
      if (gone) state.pages.delete(clientId)
    })
  }

  /**
   * The browser's jar as seen from the request of client `clientId` ('' for a navigation): a
   * Cookie Store for the jar's reads and writes.
   */
  storeFor(clientId: string): CookieStoreLike {
    let queue: Write[] = []
    let flush: Promise<void> | undefined
    const write = (cookie: Parameters<CookieStoreLike['set']>[0]) => {
      queue.push({ key: writeKey(cookie), line: assignment(cookie) })
      // One message for all the cookies of one response.
      flush ??= Promise.resolve().then(() => {
        const lines = queue
        queue = []
        flush = undefined
        return this.#write(clientId, lines)
      })
      return flush
    }
    return {
      getAll: () => this.#read(clientId),
      set: write,
      delete: (cookie) => write({ ...cookie, value: '', expires: 0 }),
    }
  }

  async #read(clientId: string): Promise<BrowserCookie[]> {
    const state = await this.#load()
    if (state.pages.has(clientId)) {
      const answer = await this.#ask(clientId, { type: COOKIES_READ })
      if (typeof answer === 'string') {
        state.snapshot = this.#seen = snapshotOf(answer)
        return withPending(parseDocumentCookie(answer), state.pending)
      }
    }
    const live = this.#browser ? await this.#browser.getAll().catch(() => []) : []
    return withPending(live.length ? live : [...state.snapshot].map(([name, value]) => ({ name, value })), state.pending)
  }

  async #write(clientId: string, lines: Write[]): Promise<void> {
    // Kept until a page takes them: the next hello gets them, whichever worker it reaches.
    const known = await this.#change((state) => {
      for (const { key, line } of lines) state.pending.set(key, line)
      apply(state.snapshot, lines.map(({ line }) => line))
      return state.pages
    })
    // A navigation's page does not exist yet: it takes the pending writes when it says hello.
    // Otherwise the requesting page first; any other page of the origin writes into the same jar.
    const pages = clientId ? new Set(known.has(clientId) ? [clientId, ...known] : known) : []
    for (const page of pages) {
      if ((await this.#ask(page, { type: COOKIES_WRITE, cookies: lines.map(({ line }) => line) })) === true) {
        await this.#change((state) => {
          for (const { key, line } of lines) if (state.pending.get(key) === line) state.pending.delete(key)
        })
        break
      }
    }
  }

  /** Posts `message` to page `clientId` and resolves with its answer, or undefined when it has none in time. */
  async #ask(clientId: string, message: unknown): Promise<unknown> {
    const client = await this.#clients.get(clientId).catch(() => undefined)
    if (!client) {
      await this.#change((state) => state.pages.delete(clientId))
      return undefined
    }
    const channel = new MessageChannel()
    let timer: ReturnType<typeof setTimeout> | undefined
    const answer = new Promise<unknown>((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data)
      timer = setTimeout(resolve, this.#timeout)
    })
    client.postMessage(message, [channel.port2])
    try {
      return await answer
    } finally {
      clearTimeout(timer)
      channel.port1.close()
    }
  }
}
