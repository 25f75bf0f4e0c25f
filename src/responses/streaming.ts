import type { Message, Receive, Scope, Send } from '../types.js'
import { runBackground } from '../background.js'
import { toBytes, typeName } from '../bytes.js'
import { Response, type ResponseInit } from './response.js'

/** One piece of a streamed body. */
export type StreamChunk = string | Uint8Array | ArrayBuffer | ArrayBufferView

/** What `StreamingResponse` streams: an async iterable (generators too), a sync iterable, or a ReadableStream. */
export type StreamContent = AsyncIterable<StreamChunk> | Iterable<StreamChunk> | ReadableStream<StreamChunk>

function isReadableStream(content: unknown): content is ReadableStream<StreamChunk> {
  return typeof (content as ReadableStream | null)?.getReader === 'function'
}

/** One async iterator over async content; `return()` cancels a stream or closes a generator. */
function iterate(content: AsyncIterable<StreamChunk> | ReadableStream<StreamChunk>): AsyncIterator<StreamChunk> {
  if (!isReadableStream(content)) return content[Symbol.asyncIterator]()
  const reader = content.getReader()
  return {
    next: () => reader.read() as Promise<IteratorResult<StreamChunk>>,
    return: async () => {
      await reader.cancel()
      return { done: true, value: undefined }
    },
  }
}

/** The iterator of sync content (arrays, generators), which is pulled without a promise per chunk. */
function syncIterator(content: StreamContent): Iterator<StreamChunk> | null {
  if (isReadableStream(content) || Symbol.asyncIterator in content) return null
  return (content as Iterable<StreamChunk>)[Symbol.iterator]()
}

const DISCONNECTED: IteratorResult<StreamChunk> = { done: true, value: undefined }

/** Streams a body from an iterable or a ReadableStream, chunk by chunk, stopping when the client goes away. */
export class StreamingResponse extends Response {
  /** The content to stream (there is no `body`, hence no automatic content-length). */
  declare bodyIterator: StreamContent

  constructor(content: StreamContent, init?: ResponseInit) {
    super(content, init)
  }

  protected override init(content: unknown): void {
    const ok =
      content != null &&
      (isReadableStream(content) || typeof (content as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (content as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
    if (!ok || typeof content === 'string') {
      throw new TypeError(`StreamingResponse content must be an async iterable, an iterable or a ReadableStream, got ${typeof content === 'string' ? 'a string' : String(content)}`)
    }
    this.bodyIterator = content as StreamContent
  }

  /** Bytes of one chunk. */
  protected encodeChunk(chunk: StreamChunk): Uint8Array {
    const bytes = toBytes(chunk, this.charset)
    if (bytes === undefined) throw new TypeError(`StreamingResponse chunks must be strings, Uint8Arrays or ArrayBuffers, got ${typeName(chunk)}`)
    return bytes
  }

  override async respond(_scope: Scope, receive: Receive, send: Send): Promise<void> {
    const sync = syncIterator(this.bodyIterator)
    const iterator = sync ? null : iterate(this.bodyIterator as AsyncIterable<StreamChunk> | ReadableStream<StreamChunk>)
    // Listen for the client going away while streaming, as Starlette does (request bodies are drained).
    let stopListening = false
    let gone = false
    let failed: { error: unknown } | null = null
    // The wait for the next chunk, settled early when the client goes away. Not a Promise.race with
    // one long-lived "disconnected" promise: each race stays attached to it, and keeps its chunk
    // alive, until the disconnect, so a long stream would hold its whole body in memory.
    let waiting: { resolve: (next: IteratorResult<StreamChunk>) => void; reject: (error: unknown) => void } | null = null
    // Whether the client left while the iterator was producing a chunk (mid-await).
    let stalled = false
    void (async () => {
      for (;;) {
        const message: Message = await receive()
        if (message.type === 'http.disconnect' || stopListening) return
      }
    })().then(
      () => {
        gone = true
        if (!waiting) return
        stalled = true
        waiting.resolve(DISCONNECTED)
      },
      (error: unknown) => {
        failed = { error }
        waiting?.reject(error)
      },
    )
    const nextChunk = () =>
      new Promise<IteratorResult<StreamChunk>>((resolve, reject) => {
        if (failed) return reject(failed.error)
        if (gone) return resolve(DISCONNECTED)
        waiting = { resolve, reject }
        iterator!.next().then(resolve, reject)
      })
    let finished = false
    try {
      await send({ type: 'http.response.start', status: this.statusCode, headers: this.rawHeaders })
      // The flag also stops a source that is always ready, which would win every race.
      while (!gone) {
        let next: IteratorResult<StreamChunk>
        if (sync) {
          if (failed) throw (failed as { error: unknown }).error
          next = sync.next()
        } else {
          next = await nextChunk()
          waiting = null
          if (next === DISCONNECTED) break
        }
        if (next.done) {
          finished = true
          break
        }
        await send({ type: 'http.response.body', body: this.encodeChunk(next.value), more_body: true })
      }
      if (finished) await send({ type: 'http.response.body', body: new Uint8Array(0), more_body: false })
    } finally {
      stopListening = true
      // Closes the generator (its `finally` runs) or cancels the stream when we stopped early.
      if (!finished) {
        const closing = sync ? sync.return?.() : iterator!.return?.()
        // A generator stuck in an await cannot be interrupted (Starlette would cancel it): it
        // closes once that await settles, in the background, and the client is gone, so a
        // failure then has nobody to go to.
        if (stalled) void Promise.resolve(closing).catch(() => {})
        else await closing
      }
    }
    await runBackground(this.background)
  }
}
