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

/**
 * Three `tick` events from /api/sse, gated: the worker makes each event only after the page has
 * told it (GET /api/read) that it got the one before, so all three arrive only if each is delivered
 * while the generator still runs. A stream held back until its end stops at the first event.
 */
export function readTicks(): Promise<{ data: string; id: string }[]> {
  return new Promise((resolve, reject) => {
    const gate = `ticks-${Math.random()}`
    const source = new EventSource(`/api/sse?n=3&event=tick&gate=${gate}`)
    const events: { data: string; id: string }[] = []
    source.addEventListener('tick', (event) => {
      events.push({ data: event.data, id: event.lastEventId })
      if (events.length === 3) {
        source.close()
        resolve(events)
      } else void fetch(`/api/read?gate=${gate}`)
    })
    source.onmessage = () => reject(new Error('an event without its type'))
    setTimeout(() => (source.close(), reject(new Error(`${events.length} of 3 events arrived: each comes only once the one before has been read`))), 8000)
  })
}

/**
 * The chunks of a gated /api/stream (the worker makes each after the page said it read the one
 * before), as text; rejects naming what did not arrive within 8 s.
 */
export async function readGatedStream(n: number): Promise<string[]> {
  const gate = `stream-${Math.random()}`
  const chunks: string[] = []
  const within = <T>(step: Promise<T>, what: string) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not arrive within 8 s (read so far: ${JSON.stringify(chunks)})`)), 8000)
    })
    return Promise.race([step, late]).finally(() => clearTimeout(timer))
  }
  const response = await within(fetch(`/api/stream?n=${n}&gate=${gate}`), 'the response')
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await within(reader.read(), `chunk ${chunks.length + 1} of ${n}`)
    if (done) return chunks
    chunks.push(new TextDecoder().decode(value))
    await fetch(`/api/read?gate=${gate}`)
  }
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

/**
 * Registers the page's worker script again for the scope /other/ and opens a frame there (id
 * `other`), so that two workers of the origin run at once, as a new version installing beside the
 * old one or a second scope would; the frame's registration scope.
 */
export async function openSecondScope(): Promise<string | undefined> {
  const registration = await navigator.serviceWorker.register(navigator.serviceWorker.controller!.scriptURL, { scope: '/other/' })
  const worker = (registration.installing ?? registration.waiting ?? registration.active)!
  if (worker.state !== 'activated') {
    await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()))
  }
  const frame = document.createElement('iframe')
  frame.id = 'other'
  frame.src = '/other/'
  await new Promise((resolve) => ((frame.onload = resolve), document.body.append(frame)))
  return (await frame.contentWindow!.navigator.serviceWorker.getRegistration())?.scope
}
