// Requests per second of swasgi's node:http server (`createServer(app)`, swasgi/node) against
// Hono's Node server (@hono/node-server) with the same route: GET / → {"hello":"world"}.
// Each server runs in its own process; this process is the client (keep-alive, CONCURRENCY
// requests in flight) and alternates between them round by round, so that load on the machine
// moves both alike. Ratios come from the same run. Besides requests per second it reports each
// server's own CPU time per request, which other load on a shared machine hardly moves.
// Run: npx tsx bench/node/server.bench.mts   (or `npm run bench -- --node`)
import { fork, type ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { median } from './harness.mts'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const SECONDS = Number(process.env.SECONDS ?? 2)
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16)
const targets = [
  { name: 'swasgi createServer(app)', kind: 'swasgi', port: 5712 },
  { name: 'Hono + @hono/node-server', kind: 'hono', port: 5713 },
]

function start(kind: string, port: number): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./server-target.mts', import.meta.url)), [kind, String(port)], { execArgv: ['--import', 'tsx'] })
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child))
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)))
  })
}

/** The child's CPU time so far, in µs. */
function cpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve((message as { cpu: number }).cpu))
    child.send('cpu')
  })
}

function get(agent: Agent, port: number): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode!, type: String(response.headers['content-type']), body }))
    })
      .on('error', reject)
      .end()
  })
}

/** Completed requests per second over SECONDS, CONCURRENCY at a time, and the server's CPU µs per request. */
async function load(port: number, child: ChildProcess): Promise<{ rate: number; cpuPerRequest: number }> {
  const cpuBefore = await cpu(child)
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const until = performance.now() + SECONDS * 1000
  let done = 0
  const loop = async () => {
    while (performance.now() < until) {
      await get(agent, port)
      done++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, loop))
  const rate = (done * 1000) / (performance.now() - started)
  const cpuPerRequest = ((await cpu(child)) - cpuBefore) / done
  agent.destroy()
  return { rate, cpuPerRequest }
}

const children = await Promise.all(targets.map((t) => start(t.kind, t.port)))
try {
  // One correct answer from each before timing.
  for (const t of targets) {
    const agent = new Agent({ keepAlive: true })
    const { status, type, body } = await get(agent, t.port)
    agent.destroy()
    if (status !== 200 || body !== '{"hello":"world"}' || !type.startsWith('application/json')) throw new Error(`${t.name}: wrong response ${status} ${type} ${body}`)
  }
  for (let i = 0; i < targets.length; i++) await load(targets[i].port, children[i]) // warm-up
  const rates = new Map(targets.map((t) => [t.name, [] as number[]]))
  const cpus = new Map(targets.map((t) => [t.name, [] as number[]]))
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < targets.length; i++) {
      const at = (i + round) % targets.length
      const { rate, cpuPerRequest } = await load(targets[at].port, children[at])
      rates.get(targets[at].name)!.push(rate)
      cpus.get(targets[at].name)!.push(cpuPerRequest)
    }
  }
  const range = (values: number[], digits: number) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`
  console.log(`### node:http servers (${ROUNDS} rounds of ${SECONDS} s, ${CONCURRENCY} requests in flight, keep-alive)\n`)
  console.log('| server | req/s (median) | req/s range | server CPU µs/req (median) | range |')
  console.log('|---|---:|---:|---:|---:|')
  for (const t of targets) {
    const r = rates.get(t.name)!
    const c = cpus.get(t.name)!
    console.log(`| ${t.name} | ${Math.round(median(r)).toLocaleString('en')} | ${range(r, 0)} | ${median(c).toFixed(1)} | ${range(c, 1)} |`)
  }
  const [swasgi, hono] = targets.map((t) => t.name)
  const rateRatios = rates.get(swasgi)!.map((rate, i) => rate / rates.get(hono)![i])
  const cpuRatios = cpus.get(swasgi)!.map((us, i) => us / cpus.get(hono)![i])
  console.log(`\nswasgi / Hono, per round: throughput ${median(rateRatios).toFixed(2)}× (${range(rateRatios, 2)}), server CPU per request ${median(cpuRatios).toFixed(2)}× (${range(cpuRatios, 2)})`)
} finally {
  for (const child of children) child.kill()
}
