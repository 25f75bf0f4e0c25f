/**
 * Who started a request, as far as a service worker can tell: the "same-site" of RFC 6265bis
 * 5.2 that decides which SameSite cookies go with it. Chromium gives the worker no Sec-Fetch-*
 * headers, so the evidence is the request's mode, destination and referrer, and the client
 * behind `clientId`. A site is a scheme and a host compared exactly (without a public-suffix
 * list, `a.example.com` and `b.example.com` count as cross-site); whatever cannot be told is
 * cross-site.
 */
import type { RequestSite } from './cookie-jar.js'

/** The part of a FetchEvent the decision uses. */
export interface SiteEvent {
  readonly request: Request
  readonly clientId: string
  readonly resultingClientId?: string
}

/** The part of a worker's `clients` the decision uses. */
export interface ClientsLike {
  get(id: string): Promise<{ url: string; type?: string; frameType?: string } | undefined>
}

/** What a client tells: its site, and whether it is its own "site for cookies" (a top-level window). */
interface ClientSite {
  site: string | null
  topLevel: boolean
}

// Enough for every open page; past it the lookups simply start again.
const MAX_CLIENTS = 256

/** A URL's site (scheme and host), or null for one without a host (about:, data:, an empty referrer). */
export function siteOf(href: string): string | null {
  if (!href) return null
  try {
    const url = new URL(href)
    return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.protocol}//${url.hostname}` : null
  } catch {
    return null
  }
}

/**
 * Returns a function that tells a FetchEvent's RequestSite. Each client is looked up once
 * (`clients.get` is asynchronous); a page the worker navigated to is known without a lookup.
 */
export function siteTeller(clients: ClientsLike): (event: SiteEvent) => Promise<RequestSite> {
  const known = new Map<string, Promise<ClientSite | null>>()
  const remember = (id: string, site: Promise<ClientSite | null>) => {
    if (known.size >= MAX_CLIENTS) known.clear()
    known.set(id, site)
    return site
  }
  const lookUp = (id: string) =>
    known.get(id) ??
    remember(
      id,
      clients.get(id).then(
        (client) => (client ? { site: siteOf(client.url), topLevel: client.type === 'window' && (client.frameType === 'top-level' || client.frameType === 'auxiliary') } : null),
        () => null,
      ),
    )

  return async ({ request, clientId, resultingClientId }) => {
    const target = siteOf(request.url)
    const method = request.method
    if (request.mode === 'navigate') {
      // A frame's "site for cookies" depends on its ancestors, which the worker never sees.
      if (request.destination !== 'document') return { sameSite: false, topLevel: false, method }
      if (resultingClientId) remember(resultingClientId, Promise.resolve({ site: target, topLevel: true }))
      // The referrer's origin is the initiator's (a page can shorten it, never change it); without
      // one, the initiating client when it is one of this origin's (Chromium reports its id).
      const initiator = request.referrer ? siteOf(request.referrer) : clientId ? ((await lookUp(clientId))?.site ?? null) : null
      return { sameSite: initiator !== null && initiator === target, topLevel: true, method }
    }
    // A subresource: same-site when its page is a top-level window of the same site. Nested
    // frames and workers have ancestors the worker cannot see: cross-site.
    const client = clientId ? await lookUp(clientId) : null
    return { sameSite: client !== null && client.topLevel && client.site === target, topLevel: false, method }
  }
}
