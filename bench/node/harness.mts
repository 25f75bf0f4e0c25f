/** A tiny interleaved micro-benchmark harness: medians over rounds, never lone timings. */

export interface Case {
  name: string
  run: () => unknown
}

/** This process's CPU time in ms: steadier than the wall clock when other processes share the cores. */
function cpuTime(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

// BENCH_CLOCK=cpu times the synchronous cases in CPU time rather than wall-clock time.
const clock = process.env.BENCH_CLOCK === 'cpu' ? cpuTime : () => performance.now()

/** Operations per second of `fn` over about `ms` milliseconds (after a short warm-up). */
function opsPerSecond(fn: () => unknown, ms: number): number {
  let ops = 0
  const start = clock()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) fn()
    ops += 100
    now = clock()
  }
  return (ops * 1000) / (now - start)
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Runs the cases in interleaved rounds and returns the median ops/s of each. */
export function compare(cases: Case[], { rounds = 7, ms = 300 } = {}): Map<string, number> {
  for (const c of cases) opsPerSecond(c.run, 100) // warm-up: let the JIT settle
  const samples = new Map(cases.map((c) => [c.name, [] as number[]]))
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) samples.get(c.name)!.push(opsPerSecond(c.run, ms))
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]))
}

/** Prints a markdown table of ops/s with ratios to the first case. */
export function table(title: string, results: Map<string, number>): string {
  const [base] = results.values()
  const rows = [...results].map(([name, ops]) => `| ${name} | ${Math.round(ops).toLocaleString('en')} | ${(ops / base).toFixed(2)} |`)
  return [`### ${title}`, '', '| case | ops/s (median) | vs first |', '|---|---:|---:|', ...rows, ''].join('\n')
}

export interface AsyncCase {
  name: string
  run: () => Promise<unknown>
}

/** Operations per second of the async `fn`, awaited one at a time (concurrency 1), over about `ms` milliseconds. */
async function asyncOpsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) await fn()
    ops += 50
    now = performance.now()
  }
  return (ops * 1000) / (now - start)
}

/**
 * Runs async cases in interleaved rounds (after a warm-up; a gc before each sample when exposed)
 * and returns every round's ops/s of each case: round i of one case ran next to round i of the others.
 */
export async function sampleAsync(cases: AsyncCase[], { rounds = 9, ms = 500, warmup = 300 } = {}): Promise<Map<string, number[]>> {
  for (const c of cases) await asyncOpsPerSecond(c.run, warmup)
  const samples = new Map(cases.map((c) => [c.name, [] as number[]]))
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so that no case always runs right after the same other one (GC debt, JIT state).
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length]
      ;(globalThis as { gc?: () => void }).gc?.()
      samples.get(c.name)!.push(await asyncOpsPerSecond(c.run, ms))
    }
  }
  return samples
}

/** `compare` for async cases: interleaved rounds, the median ops/s of each. */
export async function compareAsync(cases: AsyncCase[], options: { rounds?: number; ms?: number; warmup?: number } = {}): Promise<Map<string, number>> {
  const samples = await sampleAsync(cases, options)
  return new Map([...samples].map(([name, values]) => [name, median(values)]))
}
