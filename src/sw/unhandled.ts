/** What `serve()` does with requests its `match` leaves to the network (`onUnhandledRequest`). */

/**
 * `'bypass'`: to the network, silently (the default); `'warn'`: to the network, with a console
 * warning; `'error'`: answered with a 501 naming the request, and a console error; a function:
 * called synchronously, and a Response it returns answers the request (else it goes to the network).
 */
export type UnhandledStrategy = 'bypass' | 'warn' | 'error' | ((request: Request, closest: string | undefined) => Response | Promise<Response> | void)

/**
 * Whether a request `match` left alone counts as unhandled: only what `fetch()` and
 * XMLHttpRequest send (an empty `destination`), never documents, scripts, styles, images, fonts or
 * the worker's own script, which a page loads from the network as a matter of course.
 */
export function countsAsUnhandled(request: Request, workerURL: string): boolean {
  return request.destination === '' && request.url !== workerURL
}

interface RoutesLike {
  path?: unknown
  routes?: unknown
}

/** Every route path of a swasgi app (its `routes`, mounts included), for the "closest route" hint. */
function routePaths(app: unknown, prefix = '', depth = 0): string[] {
  const routes = (app as RoutesLike | null)?.routes
  if (!Array.isArray(routes) || depth > 8) return []
  return routes.flatMap((route: RoutesLike) => {
    if (typeof route?.path !== 'string') return []
    const nested = routePaths(route, prefix + route.path, depth + 1)
    return nested.length ? nested : [prefix + route.path]
  })
}

/** Levenshtein distance, enough for a hint. */
function distance(a: string, b: string): number {
  let row = [...Array(b.length + 1).keys()]
  for (let i = 0; i < a.length; i++) {
    const next = [i + 1]
    for (let j = 0; j < b.length; j++) next.push(Math.min(row[j + 1] + 1, next[j] + 1, row[j] + Number(a[i] !== b[j])))
    row = next
  }
  return row[b.length]
}

/** The app's route path nearest to `path`, if the app lists routes. */
export function closestRoute(app: unknown, path: string): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of routePaths(app)) {
    const d = distance(path, candidate)
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best
}

/** The words of the warning, the error and the 501 body. */
export function describeUnhandled(request: Request, closest: string | undefined): string {
  const hint = closest === undefined ? '' : ` (closest route: ${closest})`
  return `swasgi: unhandled request ${request.method} ${request.url}: no route of the app answers it${hint}`
}
