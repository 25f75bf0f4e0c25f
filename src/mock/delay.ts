/** Latency for mocks: `delay(ms)`, `delay('real')`, `delay('infinite')`, as MSW users know them. */

/** How long to wait: milliseconds, a realistic random latency, or forever. */
export type DelaySpec = number | 'real' | 'infinite'

/** The bounds of `delay('real')`, in ms: what a fair connection to a nearby server takes. */
export const REAL_LATENCY = { min: 100, max: 400 } as const

/** The error a delay rejects with when its signal aborts (the client left). */
function aborted(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The request was aborted', 'AbortError')
}

/** Checks a delay spec, naming what is wrong with a bad one. */
export function checkDelay(spec: unknown): DelaySpec {
  if (spec === 'real' || spec === 'infinite') return spec
  if (typeof spec === 'number' && Number.isFinite(spec) && spec >= 0) return spec
  throw new TypeError(`delay must be a number of milliseconds (>= 0), 'real' or 'infinite', got ${typeof spec === 'string' ? JSON.stringify(spec) : String(spec)}`)
}

/**
 * Waits `spec` (default `'real'`: a random 100–400 ms). `'infinite'` never resolves. When `signal`
 * aborts the wait ends early by rejecting, so that the handler's `finally` runs.
 */
export function delay(spec: DelaySpec = 'real', signal?: AbortSignal): Promise<void> {
  const checked = checkDelay(spec)
  const ms = checked === 'real' ? REAL_LATENCY.min + Math.random() * (REAL_LATENCY.max - REAL_LATENCY.min) : checked
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal))
    const timer = ms === 'infinite' ? undefined : setTimeout(done, ms)
    const abort = () => {
      clearTimeout(timer)
      reject(aborted(signal!))
    }
    signal?.addEventListener('abort', abort, { once: true })
    function done() {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
  })
}
