// `npm run bench`: the Node micro-benchmarks, then the browser benchmark.
//   npm run bench                          everything
//   npm run bench -- --node                Node benchmarks only
//   npm run bench -- --browser --only bare,swasgi --rounds 5
// Options after --browser are passed to bench/browser/run.mjs.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'

const args = process.argv.slice(2)
const nodeOnly = args.includes('--node')
const browserOnly = args.includes('--browser')
const rest = args.filter((a) => a !== '--node' && a !== '--browser')

function run(command, commandArgs) {
  console.log(`\n$ ${command} ${commandArgs.join(' ')}`)
  const { status } = spawnSync(command, commandArgs, { stdio: 'inherit' })
  if (status !== 0) process.exit(status ?? 1)
}

if (!browserOnly) {
  for (const file of readdirSync('bench/node').filter((f) => f.endsWith('.bench.mts')).sort()) {
    run('npx', ['tsx', '--expose-gc', `bench/node/${file}`])
  }
}
if (!nodeOnly && existsSync('bench/browser/run.mjs')) run('node', ['bench/browser/run.mjs', ...rest])
