import { guessWebMediaType } from '../mediatypes/web.js'
import { runBackground } from '../background.js'
import { BLOB_EXTENSION, type HTTPScope, type Receive, type Scope, type Send } from '../types.js'
import { MutableHeaders, encodeHeaderValue } from '../datastructures.js'
import { encodeLatin1 } from '../bytes.js'
import { quote } from '../urls.js'
import { getFile, type StoredFile } from '../storage/index.js'
import { PlainTextResponse, Response, responseOptions, withCharset, type ResponseOptions } from './response.js'
import { StreamingResponse } from './streaming.js'
import { parseRange } from './ranges.js'
import { evaluatePreconditions, ifRangeHolds } from './conditional.js'

/** `FileResponse`'s options: `Response`'s, plus the name to download the file as. */
export interface FileResponseOptions extends ResponseOptions {
  /** Named in `content-disposition`; also the first guess of the media type. */
  filename?: string | null
  /** `attachment` (save) or `inline` (display); written as given. */
  contentDispositionType?: string
  /** Where to read `path` from instead of swasgi/storage (`idb://`, `cache://`): a KV namespace, memory, … */
  store?: FileStore
}

/** A store of files of your own: `getFile` resolves the file at `path`, or `undefined` when there is none. */
export interface FileStore {
  getFile(path: string): Promise<StoredFile | undefined>
}

const OCTET_STREAM = 'application/octet-stream'
// Python's `quote()` default: unreserved characters and '/'.
const FILENAME_SAFE = /^[A-Za-z0-9_.\-~/]$/
const CRLF = encodeLatin1('\r\n')
// Body messages stay this small whatever size the platform's Blob chunks are (Node hands an in-memory
// Blob over in one piece), so that backpressure and disconnects are noticed between them.
const CHUNK_SIZE = 64 * 1024
// What describes the file's body rather than the response (RFC 9110 §8, §14): a 412 or 416 sends
// none of it; the app's own headers (Set-Cookie, Cache-Control, ...) go out with every answer.
const FILE_METADATA = new Set([
  'accept-ranges',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-range',
  'content-type',
  'etag',
  'last-modified',
])
// What a 304 still sends of it (§15.4.5), Last-Modified included for caches.
const NOT_MODIFIED_METADATA = new Set(['content-location', 'etag', 'last-modified'])

/** One piece of a file body: literal bytes (multipart framing) or a slice of the stored Blob. */
type Part = Uint8Array | Blob

/**
 * Serves a stored file (`idb://…`, `cache://…`, or a path in the default store) as a real server
 * would: validators, conditional requests (304/412), `Range` (206, multipart/byteranges, 416), HEAD,
 * and a body streamed from the Blob, so that memory stays flat whatever the file's size.
 *
 * The file is looked up when the response is called. A missing file throws
 * `File at path … does not exist.`, which the adapter answers with a 500. To answer 404 instead,
 * look it up first: `if (!(await getFile(path))) return new PlainTextResponse('Not Found', 404)`.
 */
export class FileResponse extends Response {
  /** The stored file's path, with or without a scheme. */
  declare path: string
  /** The download name, or null for no `content-disposition`. */
  declare filename: string | null
  /** `attachment` or `inline`. */
  declare contentDispositionType: string
  /** The store `path` is read from, when not swasgi/storage. */
  declare store: FileStore | undefined
  /** Where the guessed content-type goes once the file is read: after the headers given at construction. */
  declare private contentTypeAt: number

  constructor(path: string, init?: number | FileResponseOptions) {
    const options: FileResponseOptions = responseOptions(init)
    super(path, options)
    this.contentTypeAt = this.headers.size
    this.filename = options.filename ?? null
    this.contentDispositionType = options.contentDispositionType ?? 'attachment'
    this.store = options.store
    this.headers.setDefault('accept-ranges', 'bytes')
    if (this.filename !== null) this.headers.setDefault('content-disposition', contentDisposition(this.contentDispositionType, this.filename))
  }

  /** Keeps the path; there is no body to render, so no automatic content-length until the file is read. */
  protected override init(path: unknown): void {
    if (typeof path !== 'string') throw new TypeError(`FileResponse path must be a string, got ${typeof path}`)
    this.path = path
  }

  /** Reads the file's metadata now (not at construction), then sends whichever answer the request calls for. */
  override async respond(scope: Scope, receive: Receive, send: Send): Promise<void> {
    const file = await (this.store ? this.store.getFile(this.path) : getFile(this.path))
    if (!file) throw new Error(`File at path ${this.path} does not exist.`)
    await this.answer(scope as HTTPScope, file)(scope, receive, send)
  }

  /** The response this request gets, in RFC 9110 §13.2.2's order: preconditions, then Range. */
  private answer(scope: HTTPScope, file: StoredFile): Response {
    const headers = this.fileHeaders(file)
    const request = MutableHeaders.fromScope(scope)
    const method = scope.method.toUpperCase()
    // Preconditions only qualify what would be a success (§13.2.1): a file served as a 404 page ignores them.
    if (this.statusCode >= 200 && this.statusCode < 300) {
      const outcome = evaluatePreconditions(request, headers, method)
      if (outcome === 412) return new PlainTextResponse('', { statusCode: 412, headers: appHeaders(headers) })
      if (outcome === 304) {
        return new Response(null, { statusCode: 304, headers: appHeaders(headers, NOT_MODIFIED_METADATA), background: this.background })
      }
    }
    // Range applies to a GET that would be a 200 (§14.2); HEAD is answered in full, headers only.
    if (method === 'GET' && this.statusCode === 200 && request.has('range') && ifRangeHolds(request.get('if-range'), headers)) {
      const range = parseRange(request.get('range'), file.size)
      if (range.kind === 'unsatisfiable') {
        const contentRange: [string, string] = ['content-range', `bytes */${file.size}`]
        return new PlainTextResponse('', { statusCode: 416, headers: [...appHeaders(headers), contentRange] })
      }
      if (range.kind === 'ranges') {
        if (range.ranges.length > 1) return this.stream(scope, 206, headers, multipart(headers, file, range.ranges))
        const [[start, end]] = range.ranges
        headers.set('content-length', String(end - start + 1))
        headers.set('content-range', `bytes ${start}-${end}/${file.size}`)
        return this.stream(scope, 206, headers, [file.blob.slice(start, end + 1)])
      }
    }
    return this.stream(scope, this.statusCode, headers, method === 'HEAD' ? [] : [file.blob])
  }

  /** This response's headers completed with what the stored file tells (a copy: an instance serves many requests). */
  private fileHeaders(file: StoredFile): MutableHeaders {
    const headers = this.headers.copy()
    if (!headers.has('content-type')) {
      // Starlette's place for it: ahead of the accept-ranges and content-disposition the constructor set.
      const value = encodeHeaderValue('content-type', withCharset(this.guessMediaType(file), this.charset))
      headers.raw.splice(Math.min(this.contentTypeAt, headers.size), 0, [encodeLatin1('content-type'), value])
    }
    headers.setDefault('content-length', String(file.size))
    headers.setDefault('last-modified', new Date(file.lastModified).toUTCString())
    // Size and time are enough to tell versions apart, and cost nothing, unlike hashing the bytes.
    headers.setDefault('etag', `"${file.size.toString(16)}-${Math.trunc(file.lastModified).toString(16)}"`)
    return headers
  }

  /** The stored media type, else a guess from the filename or path (the stores label unknown files octet-stream). */
  private guessMediaType(file: StoredFile): string {
    if (file.mediaType && file.mediaType !== OCTET_STREAM) return file.mediaType
    return guessWebMediaType(this.filename || this.path) ?? OCTET_STREAM
  }

  /**
   * A response sending `parts`: as one Blob where the server takes Blobs (the browser then reads
   * the file itself, at native speed and with no copy in the worker's memory), else one Blob chunk
   * at a time, stopping when the client goes away.
   */
  private stream(scope: HTTPScope, statusCode: number, headers: MutableHeaders, parts: Part[]): Response {
    const options = { statusCode, headers, background: this.background }
    if (scope.extensions?.[BLOB_EXTENSION]) return new BlobResponse(new Blob(parts as BlobPart[]), options)
    return new StreamingResponse(readParts(parts), options)
  }
}

/** The headers of `headers` that are the app's rather than the file's, plus the file's `keep`. */
function appHeaders(headers: MutableHeaders, keep: ReadonlySet<string> = new Set()): [string, string][] {
  return headers.entries().filter(([name]) => !FILE_METADATA.has(name) || keep.has(name))
}

/** Sends its Blob in one `http.response.blob` message (see BLOB_EXTENSION). */
class BlobResponse extends Response {
  declare blob: Blob

  protected override init(blob: unknown): void {
    this.blob = blob as Blob
  }

  override async respond(_scope: Scope, _receive: Receive, send: Send): Promise<void> {
    await send({ type: 'http.response.start', status: this.statusCode, headers: this.rawHeaders })
    await send({ type: BLOB_EXTENSION, blob: this.blob })
    await runBackground(this.background)
  }
}

/** Reads each part in turn; returning early (a disconnect) cancels the Blob read in progress. */
async function* readParts(parts: Part[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if (part instanceof Uint8Array) {
      yield part
      continue
    }
    const reader = part.stream().getReader()
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        for (let offset = 0; offset < next.value.byteLength; offset += CHUNK_SIZE) yield next.value.subarray(offset, offset + CHUNK_SIZE)
      }
    } finally {
      await reader.cancel()
    }
  }
}

/**
 * The parts of a multipart/byteranges body (RFC 9110 §14.6), with `headers` switched to it: each
 * range framed by the boundary, its own Content-Type and Content-Range, and an exact content-length.
 */
function multipart(headers: MutableHeaders, file: StoredFile, ranges: [number, number][]): Part[] {
  const boundary = randomHex(13)
  const partType = headers.get('content-type')
  const parts: Part[] = []
  for (const [start, end] of ranges) {
    parts.push(encodeLatin1(`--${boundary}\r\nContent-Type: ${partType}\r\nContent-Range: bytes ${start}-${end}/${file.size}\r\n\r\n`))
    parts.push(file.blob.slice(start, end + 1), CRLF)
  }
  parts.push(encodeLatin1(`--${boundary}--`))
  headers.set('content-type', `multipart/byteranges; boundary=${boundary}`)
  headers.set('content-length', String(parts.reduce((total, part) => total + (part instanceof Uint8Array ? part.byteLength : part.size), 0)))
  return parts
}

/** `bytes` random bytes as lowercase hex (Starlette's boundary is `secrets.token_hex(13)`). */
function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}


/** `type; filename="name"` when the name needs no escaping, else RFC 5987's `filename*=utf-8''…`. */
function contentDisposition(type: string, filename: string): string {
  const quoted = quote(filename, FILENAME_SAFE)
  return quoted === filename ? `${type}; filename="${filename}"` : `${type}; filename*=utf-8''${quoted}`
}
