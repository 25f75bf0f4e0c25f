// Peak memory while streaming 256 MiB through handle(): a StreamingResponse over an async generator
// of fresh 64 KiB chunks, read by a slow reader; and, the other way, a request body of 256 MiB read
// chunk by chunk through receive() by a slow app. Memory must stay flat (backpressure, nothing
// retained), not grow with the body: PASS/FAIL against a 16 MiB growth limit, exit code 1 on FAIL.
// Run: npx tsx --expose-gc bench/node/stream-memory.bench.mts   (or `npm run bench -- --node`)
// STREAM_MIB=1024 streams 1 GiB instead, to see that the growth does not follow the body size.
import os from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { handle } from '../../src/sw/handle.js'
import { PlainTextResponse, StreamingResponse } from '../../src/responses/index.js'
import type { Receive, Scope, Send } from '../../src/types.js'

const MiB = 1024 * 1024
const CHUNK = 64 * 1024
const TOTAL = Number(process.env.STREAM_MIB ?? 256) * MiB
const LIMIT = 16 * MiB // allowed growth over the baseline
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) {
  console.error('Run with --expose-gc (npx tsx --expose-gc bench/node/stream-memory.bench.mts)')
  process.exit(1)
}

// How far the producer ran ahead of the consumer, in chunks.
let produced = 0
let consumed = 0
let maxAhead = 0
function produce(): Uint8Array {
  const chunk = new Uint8Array(CHUNK) // a fresh buffer each time, as a real producer would make
  chunk[0] = produced & 0xff
  produced++
  maxAhead = Math.max(maxAhead, produced - consumed)
  return chunk
}

/** Counts a chunk read; every 16 chunks waits a 1 ms timer (the slow reader). */
async function consume(bytes: number, reads: number): Promise<void> {
  consumed = Math.ceil(bytes / CHUNK)
  if (reads % 16 === 0) await sleep(1)
}

async function* chunks(total: number): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < total; sent += CHUNK) yield produce()
}

const bytesOf = (scope: Scope) => Number(new TextDecoder().decode((scope as { query_string: Uint8Array }).query_string))

// Response body: the app streams, the test reads slowly.
const download = handle(async (scope: Scope, receive: Receive, send: Send) =>
  new StreamingResponse(chunks(bytesOf(scope)), { mediaType: 'application/octet-stream' })(scope, receive, send),
)
async function streamDownload(total: number): Promise<number> {
  const res = await download(new Request(`http://localhost/download?${total}`))
  const reader = res.body!.getReader()
  let bytes = 0
  for (let reads = 1; ; reads++) {
    const { done, value } = await reader.read()
    if (done) return bytes
    bytes += value.byteLength
    await consume(bytes, reads)
  }
}

// Request body: the test streams, the app reads slowly with receive() and answers with the count.
const upload = handle(async (scope: Scope, receive: Receive, send: Send) => {
  let bytes = 0
  for (let reads = 1; ; reads++) {
    const message = await receive()
    if (message.type !== 'http.request') throw new Error(`unexpected ${String(message.type)}`)
    bytes += (message.body as Uint8Array).byteLength
    await consume(bytes, reads)
    if (!message.more_body) break
  }
  await new PlainTextResponse(String(bytes))(scope, receive, send)
})
async function streamUpload(total: number): Promise<number> {
  let sent = 0
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close()
        controller.enqueue(produce())
        sent += CHUNK
      },
    },
    { highWaterMark: 0 },
  )
  const res = await upload(new Request('http://localhost/upload', { method: 'POST', body, duplex: 'half' } as RequestInit))
  return Number(await res.text())
}

interface Usage {
  rss: number
  heap: number // heapUsed + arrayBuffers
}
function usage(): Usage {
  const m = process.memoryUsage()
  return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers }
}

interface Run {
  baseline: Usage
  peak: Usage
  seconds: number
  maxAhead: number
}

/**
 * Streams TOTAL bytes while sampling memory every 10 ms. With `live`, each sample is taken right
 * after gc(), so it counts what is still referenced (what the adapter retains); without, it counts
 * everything the process holds, garbage the collector has not got to yet included.
 */
async function measure(stream: (total: number) => Promise<number>, live: boolean): Promise<Run> {
  gc!()
  await sleep(50)
  gc!()
  const baseline = usage()
  const peak = { ...baseline }
  const sample = () => {
    if (live) gc!()
    const now = usage()
    peak.rss = Math.max(peak.rss, now.rss)
    peak.heap = Math.max(peak.heap, now.heap)
  }
  produced = consumed = maxAhead = 0
  const sampler = setInterval(sample, 10)
  const started = performance.now()
  const bytes = await stream(TOTAL)
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  sample()
  if (bytes !== TOTAL) {
    console.error(`${stream.name}: ${bytes} bytes arrived, expected ${TOTAL}`)
    process.exit(1)
  }
  return { baseline, peak, seconds, maxAhead }
}

// Warm-up: load and compile everything on small streams so that code does not count as growth.
await streamDownload(8 * MiB)
await streamUpload(8 * MiB)

const mib = (n: number) => (n / MiB).toFixed(1)
const growth = (run: Run) => ({ rss: run.peak.rss - run.baseline.rss, heap: run.peak.heap - run.baseline.heap })
const out: string[] = []
let failed = false
const scenarios = [
  ['response body: handle(StreamingResponse over an async generator) to a slow reader', streamDownload],
  ['request body: a ReadableStream request body read through receive() by a slow app', streamUpload],
] as const
for (const [label, stream] of scenarios) {
  const raw = await measure(stream, false)
  const live = await measure(stream, true)
  const liveGrowth = growth(live)
  const rawGrowth = growth(raw)
  const pass = liveGrowth.rss <= LIMIT && liveGrowth.heap <= LIMIT
  failed ||= !pass
  const row = (what: string, run: Run, key: keyof Usage) => `| ${what} | ${mib(run.baseline[key])} | ${mib(run.peak[key])} | ${mib(growth(run)[key])} |`
  out.push(
    `### Peak memory, ${TOTAL / MiB} MiB in ${TOTAL / CHUNK} fresh ${CHUNK / 1024} KiB chunks, ${label}`,
    '',
    '| measure (sampled every 10 ms) | baseline (MiB) | peak (MiB) | growth (MiB) |',
    '|---|---:|---:|---:|',
    row('live: rss, gc() before each sample', live, 'rss'),
    row('live: heapUsed + arrayBuffers, gc() before each sample', live, 'heap'),
    row('raw: rss, no forced gc', raw, 'rss'),
    row('raw: heapUsed + arrayBuffers, no forced gc', raw, 'heap'),
    '',
    `${(TOTAL / MiB / raw.seconds).toFixed(0)} MiB/s without forced gc (the reader waits 1 ms every 16 chunks); ` +
      `the producer ran at most ${Math.max(raw.maxAhead, live.maxAhead)} chunk(s) ahead of the reader.`,
    `${pass ? 'PASS' : 'FAIL'}: live growth ${mib(Math.max(liveGrowth.rss, liveGrowth.heap))} MiB ${pass ? '<=' : '>'} ${LIMIT / MiB} MiB limit ` +
      `(raw growth ${mib(Math.max(rawGrowth.rss, rawGrowth.heap))} MiB)`,
    '',
  )
}
out.push(
  'The raw figures include chunks already read and dropped that V8 has not collected yet: bounded by its GC heuristics (about the same for 1 GiB: STREAM_MIB=1024), not by the body size.',
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} CPUs, Node ${process.version} (${process.platform} ${process.arch})`,
  'Reproduce: npm run bench -- --node   (this file alone: npx tsx --expose-gc bench/node/stream-memory.bench.mts)',
)
console.log(out.join('\n'))
if (failed) process.exit(1)
