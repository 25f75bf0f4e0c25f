/** `loadHar()`: a HAR and its attachments, fetched once into a file store and read from there after. */
import { getFile, putFile } from '../storage/index.js'
import { encodeBase64 } from '../bytes.js'
import type { Har } from './types.js'

/** Options of `loadHar()`. */
export interface LoadHarOptions {
  /** The store to keep the HAR and its `_file` attachments in: `cache://NAME` (recommended) or `idb://NAME`. */
  store: string
}

// Attachments are fetched a few at a time: one by one is slow, all at once floods the connection pool.
const PARALLEL = 4

/**
 * The HAR at `url`, with every `_file` attachment (resolved against the HAR's URL) stored in
 * `options.store` for `harApp()`'s `FileResponse`s. The HAR itself is stored last, as the mark of
 * a complete load: later calls (a restarted worker, offline) read it from the store and fetch nothing.
 * Name a new store for a new recording.
 */
export async function loadHar(url: string | URL, options: LoadHarOptions): Promise<Har> {
  const store = options.store
  const harPath = `${store}/${harName(url)}`
  const stored = await getFile(harPath)
  if (stored) return parseHar(await stored.blob.text(), String(url))
  const response = await fetch(url)
  if (!response.ok) throw new Error(`Could not load the HAR ${String(url)}: HTTP ${response.status}`)
  const har = parseHar(await response.text(), String(url))
  const base = response.url || String(url)
  // Recorded request bodies are read synchronously when entries are chosen: they go into the HAR.
  const posted = har.log.entries.map((entry) => entry?.request?.postData).filter((post) => typeof post?._file === 'string')
  await inBatches(posted, async (post) => {
    const bytes = new Uint8Array(await (await fetchAttachment(post!._file!, base)).arrayBuffer())
    Object.assign(post!, { text: encodeBase64(bytes), encoding: 'base64', _file: undefined })
  })
  const files = [...new Set(har.log.entries.map((entry) => entry?.response?.content?._file).filter((file) => typeof file === 'string'))]
  await inBatches(files, async (file) => putFile(`${store}/${file}`, await fetchAttachment(file, base)))
  await putFile(harPath, JSON.stringify(har), { mediaType: 'application/json' })
  return har
}

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(run))
}

/** The key the HAR itself is stored under: its file name. */
function harName(url: string | URL): string {
  const name = new URL(url, 'http://x/').pathname.split('/').pop()
  return name || 'recording.har'
}

function parseHar(text: string, url: string): Har {
  let har: Har
  try {
    har = JSON.parse(text) as Har
  } catch (error) {
    throw new TypeError(`The HAR ${url} is not JSON (${String(error)})`)
  }
  if (!Array.isArray(har?.log?.entries)) throw new TypeError(`The HAR ${url} has no log.entries list`)
  return har
}

/**
 * An attachment named by the HAR at `base`: a file in its folder or below (as Playwright writes
 * them), never another URL of the site, which a crafted HAR could point at an endpoint with effects.
 */
async function fetchAttachment(file: string, base: string): Promise<Response> {
  const source = new URL(file, base)
  const folder = new URL('.', base)
  if (source.origin !== folder.origin || !source.pathname.startsWith(folder.pathname)) {
    throw new TypeError(`The HAR ${base} names an attachment outside its folder ${folder.href}: ${JSON.stringify(file)}`)
  }
  const response = await fetch(source)
  if (!response.ok) throw new Error(`Could not load ${source.href}, an attachment of the HAR ${base}: HTTP ${response.status}`)
  return response
}
