// Requests per second of handle() serving JSONResponse({hello: 'world'}), against a hand-written
// Fetch handler and Hono's app.fetch for the same route: interleaved rounds, medians, concurrency 1 (sequential).
// Each request: new Request, call the handler, read the whole body.
// Run: npx tsx --expose-gc bench/node/adapter.bench.mts   (or `npm run bench -- --node`)
import os from 'node:os'
import { Hono } from 'hono'
import { handle } from '../../src/sw/handle.js'
import { JSONResponse } from '../../src/responses/index.js'
import type { Receive, Scope, Send } from '../../src/types.js'
import { median, sampleAsync, type AsyncCase } from './harness.mts'

type Handler = (request: Request) => Promise<Response>

const handWritten: Handler = async () =>
  new Response(JSON.stringify({ hello: 'world' }), { headers: { 'content-type': 'application/json' } })

const shared = handle(new JSONResponse({ hello: 'world' }))
const perRequest = handle(async (scope: Scope, receive: Receive, send: Send) => new JSONResponse({ hello: 'world' })(scope, receive, send))

const hono = new Hono()
hono.get('/', (c) => c.json({ hello: 'world' }))
const honoFetch: Handler = (request) => Promise.resolve(hono.fetch(request))

const handlers: [string, Handler][] = [
  ['hand-written Fetch handler', handWritten],
  ['swasgi handle(JSONResponse instance)', shared],
  ['swasgi handle(app building JSONResponse per request)', perRequest],
  ['Hono app.fetch', honoFetch],
]

const expected = '{"hello":"world"}'
const decoder = new TextDecoder()

// One correct answer from each before timing: a wrong body or content type is an error.
for (const [name, handler] of handlers) {
  const res = await handler(new Request('http://localhost/'))
  const text = decoder.decode(await res.arrayBuffer())
  const type = res.headers.get('content-type') ?? ''
  if (res.status !== 200 || text !== expected || !type.startsWith('application/json')) {
    console.error(`${name}: wrong response: ${res.status} ${type} ${JSON.stringify(text)}`)
    process.exit(1)
  }
}

const cases: AsyncCase[] = handlers.map(([name, handler]) => ({
  name,
  run: async () => {
    const res = await handler(new Request('http://localhost/'))
    await res.arrayBuffer()
  },
}))

const rounds = Number(process.env.ROUNDS ?? 15)
const ms = 300
const samples = await sampleAsync(cases, { rounds, ms })
const base = samples.get('hand-written Fetch handler')!
// Each round's time ratio to the hand-written handler's round next to it: robust to load that
// comes and goes during the run, which moves both alike.
const ratios = (name: string) => samples.get(name)!.map((ops, i) => base[i] / ops)
const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return `${sorted[Math.floor((sorted.length - 1) / 4)].toFixed(2)}–${sorted[Math.ceil(((sorted.length - 1) * 3) / 4)].toFixed(2)}`
}
const rows = handlers.map(([name]) => {
  const ops = median(samples.get(name)!)
  const r = ratios(name)
  return `| ${name} | ${Math.round(ops).toLocaleString('en')} | ${(1e6 / ops).toFixed(2)} | ${median(r).toFixed(2)}x | ${spread(r)} |`
})
console.log(
  [
    `### Requests per second, GET / -> {"hello":"world"} (concurrency 1, ${rounds} interleaved rounds of ${ms} ms)`,
    '',
    '| handler | req/s (median) | µs/req | time vs hand-written (median of rounds) | middle half of rounds |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
)
const honoName = 'Hono app.fetch'
for (const name of ['swasgi handle(JSONResponse instance)', 'swasgi handle(app building JSONResponse per request)']) {
  const slowdown = median(ratios(name))
  // Throughput relative to Hono, round by round.
  const vsHono = median(samples.get(name)!.map((ops, i) => ops / samples.get(honoName)![i]))
  console.log(
    `${name}: ${slowdown.toFixed(2)}x the hand-written handler's time (target <= 1.3x: ${slowdown <= 1.3 ? 'met' : 'MISSED'}), ` +
      `${vsHono.toFixed(2)}x Hono's throughput (target > 1: ${vsHono > 1 ? 'met' : 'MISSED'})`,
  )
}
console.log(`\nMachine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} CPUs, Node ${process.version} (${process.platform} ${process.arch})`)
console.log('Reproduce: npm run bench -- --node   (this file alone: npx tsx --expose-gc bench/node/adapter.bench.mts)')
