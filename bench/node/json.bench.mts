// JSONResponse vs UJSONResponse rendering, against plain JSON.stringify as the floor.
// Run: npx tsx bench/node/json.bench.mts   (or as part of `npm run bench`)
import { JSONResponse, UJSONResponse } from '../../src/responses/index.js'
import { compare, table } from './harness.mts'

const records = Array.from({ length: 1000 }, (_, i) => ({
  id: i,
  title: `Note number ${i}: “offline” édition`,
  url: `https://example.com/notes/${i}/attachments/file-${i}.png`,
  price: i + 0.25,
  tags: ['a', 'b', 'c'],
  done: i % 2 === 0,
  owner: { name: 'Ada', email: 'ada@example.com' },
}))
const small = { hello: 'world' }
// The same records without a '/' anywhere: ujson's "\/" escaping is the one cost UJSON adds.
const noSlashes = records.map(({ url, ...rest }) => ({ ...rest, url: url.replaceAll('/', '|') }))
const encoder = new TextEncoder()

const out: string[] = []
const payloads = [
  ['{hello: "world"}', small],
  ['one record with a URL (210 B)', records[0]],
  ['100 records with URLs (22 KB)', records.slice(0, 100)],
  ['1,000 records with URLs (221 KB)', records],
  ['1,000 records without "/" (221 KB)', noSlashes],
] as const
for (const [label, data] of payloads) {
  const results = compare([
    { name: 'TextEncoder(JSON.stringify)', run: () => encoder.encode(JSON.stringify(data)) },
    { name: 'JSONResponse', run: () => new JSONResponse(data) },
    { name: 'UJSONResponse', run: () => new UJSONResponse(data) },
  ], { ms: data === small || data === records[0] ? 200 : 400 })
  out.push(table(`Rendering ${label}`, results))
  const json = results.get('JSONResponse')!
  const ujson = results.get('UJSONResponse')!
  out.push(`UJSONResponse / JSONResponse: ${(ujson / json).toFixed(2)}x the throughput\n`)
}
console.log(out.join('\n'))
