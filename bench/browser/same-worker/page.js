// Reads each variant's stream in turn (order alternating), checking every byte count.
export async function measure(rounds, variants, expectedBytes) {
  await navigator.serviceWorker.register('/sw.js')
  if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
  async function once(path) {
    const start = performance.now()
    const reader = (await fetch(path)).body.getReader()
    let first = null
    let bytes = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      first ??= performance.now() - start
      bytes += value.length
    }
    if (bytes !== expectedBytes) throw new Error(`${path}: ${bytes} bytes, expected ${expectedBytes}`)
    return { first, total: performance.now() - start }
  }
  for (let i = 0; i < 5; i++) for (const v of variants) await once(`/${v}`) // warm-up
  const samples = Object.fromEntries(variants.map((v) => [v, { first: [], total: [] }]))
  for (let i = 0; i < rounds; i++) {
    for (const v of i % 2 ? variants : [...variants].reverse()) {
      const { first, total } = await once(`/${v}`)
      samples[v].first.push(first)
      samples[v].total.push(total)
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1]
  return Object.fromEntries(variants.map((v) => [v, { first: median(samples[v].first), total: median(samples[v].total) }]))
}
