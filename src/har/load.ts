/** `loadHar()`: a HAR and its attachments, fetched once into a file store and read from there after. */
import { getFile, putFile } from '../storage/index.js'
import type { Har, HarEntry } from './types.js'

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
  const text = await response.text()
  const har = parseHar(text, String(url))
  const files = [...new Set(har.log.entries.flatMap(attachments))]
  for (let i = 0; i < files.length; i += PARALLEL) {
    await Promise.all(files.slice(i, i + PARALLEL).map((file) => storeAttachment(file, response.url || String(url), store)))
  }
  await putFile(harPath, text, { mediaType: 'application/json' })
  return har
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

function attachments(entry: HarEntry): string[] {
  const files = [entry?.response?.content?._file]
  return files.filter((file): file is string => typeof file === 'string')
}

async function storeAttachment(file: string, base: string, store: string): Promise<void> {
  const source = new URL(file, base)
  // A HAR names files beside it; one that points elsewhere is refused rather than fetched.
  if (source.origin !== new URL(base).origin) throw new TypeError(`The HAR ${base} names an attachment on another origin: ${JSON.stringify(file)}`)
  const response = await fetch(source)
  if (!response.ok) throw new Error(`Could not load ${source.href}, an attachment of the HAR ${base}: HTTP ${response.status}`)
  await putFile(`${store}/${file}`, response, { mediaType: response.headers.get('content-type') ?? undefined })
}
