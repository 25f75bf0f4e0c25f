/** The kinds of store a file path can name. */
export type Scheme = 'idb' | 'cache'

/** Where a file lives: the kind of store, the store's name, and the key inside it. */
export interface FileLocation {
  scheme: Scheme
  store: string
  key: string
}

// A path that starts with a scheme (and only such a path), split into scheme, store and key.
const PARTS = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(?:\/(.*))?$/is
// URL parsers read percent-encoded dots as dot segments too.
const DOT = /^(?:\.|%2e)$/i
const DOT_DOT = /^(?:\.|%2e){2}$/i

let defaultStore = 'idb://files'

/** Sets the store that paths without a scheme live in, e.g. `cache://files`. */
export function setDefaultStore(store: string): void {
  const location = parse(store, true)
  if (location.key) throw invalid(store, 'a default store names no key')
  defaultStore = formatPath(location).slice(0, -1)
}

/** Parses a file path; throws a TypeError naming the path and the problem when it is invalid. */
export function parsePath(path: string): FileLocation {
  return parse(path, false)
}

/** Parses a listing prefix, which may stop at the store or anywhere inside a key. */
export function parsePrefix(prefix: string): FileLocation {
  return parse(prefix, true)
}

/** The canonical spelling of a location: `scheme://store/key`, with `%` and `/` in the store name percent-encoded. */
export function formatPath({ scheme, store, key }: FileLocation): string {
  return `${scheme}://${store.replace(/[%/]/g, encodeURIComponent)}/${key}`
}

function parse(path: string, partial: boolean): FileLocation {
  if (path.includes('\0')) throw invalid(path, 'it contains a NUL character')
  const [, rawScheme, rawStore, rest = ''] = PARTS.exec(path) ?? PARTS.exec(`${defaultStore}/${path.replace(/^\/+/, '')}`)!
  const scheme = rawScheme.toLowerCase()
  if (scheme !== 'idb' && scheme !== 'cache') {
    throw invalid(path, `unknown scheme "${scheme}://" (use idb:// or cache://)`)
  }
  // Workbox names its precache `workbox-precache-v2-<scope URL>`: slashes in a store name arrive as %2F.
  const store = decodeStore(path, rawStore)
  if (!store) throw invalid(path, 'empty store name')
  const key = resolveDots(path, rest)
  if (!key && !partial) throw invalid(path, 'empty key')
  return { scheme, store, key }
}

function decodeStore(path: string, store: string): string {
  try {
    return decodeURIComponent(store)
  } catch {
    throw invalid(path, 'malformed percent-encoding in the store name')
  }
}

/** Resolves `.` and `..` segments the way a URL would, refusing any that climb out of the store. */
function resolveDots(path: string, key: string): string {
  const segments: string[] = []
  for (const segment of key.split('/')) {
    if (DOT.test(segment)) continue
    if (!DOT_DOT.test(segment)) segments.push(segment)
    else if (segments.pop() === undefined) throw invalid(path, '".." escapes the store')
  }
  return segments.join('/')
}

function invalid(path: string, problem: string): TypeError {
  return new TypeError(`Invalid file path ${JSON.stringify(path)}: ${problem}`)
}
