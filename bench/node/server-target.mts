// One server for bench/node/server.bench.mts: `tsx server-target.mts swasgi|hono PORT`.
// Both answer GET / with {"hello":"world"} through their router.
import { createServer } from '../../src/node/index.js'
import { App, JSONResponse, Route } from '../../src/index.js'

const [kind, port] = [process.argv[2], Number(process.argv[3])]
// The benchmark asks for this process's CPU time, which load elsewhere on the machine hardly moves.
process.on('message', () => {
  const { user, system } = process.cpuUsage()
  process.send?.({ cpu: user + system })
})

if (kind === 'swasgi') {
  const app = new App({ routes: [new Route('/', () => new JSONResponse({ hello: 'world' }))] })
  createServer(app).listen(port, '127.0.0.1', () => process.send?.('ready'))
} else if (kind === 'hono') {
  const { Hono } = await import('hono')
  const { serve } = await import('@hono/node-server')
  const app = new Hono()
  app.get('/', (c) => c.json({ hello: 'world' }))
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => process.send?.('ready'))
} else {
  throw new Error(`unknown server ${kind}`)
}
