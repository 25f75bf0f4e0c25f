// Functions that run in the page, shared by the Playwright specs and the cross-engine suite (both
// hand them to page.evaluate, which sends their source): each names nothing outside itself.

/** What the test worker observed (its /api/observed route). */
export interface Observed {
  sse?: { header: string | null; lastEventId: string | null }[]
  sseFinally?: boolean
}

/** The test worker's observations. */
export async function observedInWorker(): Promise<Observed> {
  return (await (await fetch('/api/observed')).json()) as Observed
}

/** Polls the worker until its event generator's `finally` has run: true, or false after ~3 s. */
export async function generatorFinished(): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    if ((await (await fetch('/api/observed')).json()).sseFinally) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

/** Three `tick` events from /api/sse, 300 ms apart, each with the time the page received it. */
export function readTicks(): Promise<{ at: number; data: string; id: string }[]> {
  return new Promise((resolve, reject) => {
    const source = new EventSource('/api/sse?n=3&delay=300&event=tick')
    const events: { at: number; data: string; id: string }[] = []
    source.addEventListener('tick', (event) => {
      events.push({ at: Date.now(), data: event.data, id: event.lastEventId })
      if (events.length === 3) {
        source.close()
        resolve(events)
      }
    })
    source.onmessage = () => reject(new Error('an event without its type'))
    setTimeout(() => reject(new Error(`timed out with ${events.length} events`)), 8000)
  })
}

/**
 * Six events from a stream the server ends every two, read across the browser's reconnects, each as
 * `id:first data line`; the last id also goes into a cookie, lastEventId()'s fallback for an engine
 * that drops the Last-Event-ID header on a reconnect (see docs/sse.md).
 */
export function readAcrossReconnects(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const source = new EventSource('/api/sse?n=2&delay=10&retry=50')
    const seen: string[] = []
    source.onmessage = (event) => {
      document.cookie = `last-event-id=${event.lastEventId}; path=/`
      seen.push(`${event.lastEventId}:${event.data.split('\n')[0]}`)
      if (seen.length === 6) {
        source.close()
        resolve(seen)
      }
    }
    setTimeout(() => reject(new Error(`timed out with ${seen.join()}`)), 8000)
  })
}

/** The page's fetch of `path`: status and text, or the error's name and message. */
export async function fetchOutcome(path: string): Promise<{ status?: number; text?: string; error?: string }> {
  try {
    const response = await fetch(path)
    return { status: response.status, text: await response.text() }
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` }
  }
}

/** Reads the body of `path` chunk by chunk: its status, the bytes read, and the error that ended the read (if one did). */
export async function readBody(path: string): Promise<{ status: number; bytes: number; error: string | null }> {
  const response = await fetch(path)
  const reader = response.body!.getReader()
  let bytes = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { status: response.status, bytes, error: null }
      bytes += value.byteLength
    }
  } catch (error) {
    return { status: response.status, bytes, error: (error as Error).name }
  }
}
