/** An in-memory Cache Storage for unit tests, on Node's real Request and Response. */

interface Entry {
  url: string
  request: Request
  body: ArrayBuffer
  init: ResponseInit
}

function urlOf(info: RequestInfo | URL): string {
  const url = new URL(info instanceof Request ? info.url : String(info))
  url.hash = ''
  return url.href
}

function matches(entry: Entry, info: RequestInfo | URL, options?: CacheQueryOptions): boolean {
  const wanted = new URL(urlOf(info))
  const stored = new URL(entry.url)
  if (options?.ignoreSearch) wanted.search = stored.search = ''
  return wanted.href === stored.href
}

/** One cache: entries in insertion order, as the Cache API keeps them. */
export class FakeCache {
  entries: Entry[] = []

  async match(info: RequestInfo | URL, options?: CacheQueryOptions): Promise<Response | undefined> {
    const entry = this.entries.find((e) => matches(e, info, options))
    return entry && new Response(entry.body.slice(0), entry.init)
  }

  async keys(info?: RequestInfo | URL, options?: CacheQueryOptions): Promise<readonly Request[]> {
    return this.entries.filter((e) => info === undefined || matches(e, info, options)).map((e) => e.request)
  }

  async put(info: RequestInfo | URL, response: Response): Promise<void> {
    const url = urlOf(info)
    const entry = { url, request: new Request(url), body: await response.arrayBuffer(), init: { status: response.status, headers: response.headers } }
    const index = this.entries.findIndex((e) => e.url === url)
    if (index === -1) this.entries.push(entry)
    else this.entries[index] = entry
  }

  async delete(info: RequestInfo | URL, options?: CacheQueryOptions): Promise<boolean> {
    const before = this.entries.length
    this.entries = this.entries.filter((e) => !matches(e, info, options))
    return this.entries.length < before
  }
}

/** The set of named caches behind `caches`. */
export class FakeCacheStorage {
  caches = new Map<string, FakeCache>()

  async open(name: string): Promise<FakeCache> {
    let cache = this.caches.get(name)
    if (!cache) this.caches.set(name, (cache = new FakeCache()))
    return cache
  }

  async has(name: string): Promise<boolean> {
    return this.caches.has(name)
  }

  async delete(name: string): Promise<boolean> {
    return this.caches.delete(name)
  }

  async keys(): Promise<string[]> {
    return [...this.caches.keys()]
  }
}
