// The mock layer without a browser: overrides, scenarios, declarative specs, delays and network errors,
// run through the real adapter (handle()).
import { describe, expect, test } from 'vitest'
import { handle } from '../../src/sw/handle.js'
import { App, JSONResponse, PlainTextResponse, Route } from '../../src/index.js'
import { delay, mock, REAL_LATENCY, type ScenarioStore } from '../../src/mock/index.js'

const notes = () => new App({ routes: [new Route('/api/notes', () => new JSONResponse(['real'])), new Route('/api/other', () => new PlainTextResponse('other'))] })

/** A store in memory that outlives a layer, as IndexedDB outlives a worker. */
function sharedStore(): ScenarioStore & { value: string | undefined } {
  const store = {
    value: undefined as string | undefined,
    get: async () => store.value,
    set: async (name: string | null) => void (store.value = name ?? undefined),
  }
  return store
}

const get = async (fetcher: (request: Request) => Promise<Response>, path: string, init?: RequestInit) => {
  const response = await fetcher(new Request(`http://localhost${path}`, init))
  return [response.status, await response.text()] as const
}

describe('overrides', () => {
  test('an override answers in front of the app, others fall through, and a reset brings the app back', async () => {
    const layer = mock(notes(), { persist: false })
    const fetcher = handle(layer)
    layer.use(new Route('/api/notes', () => new JSONResponse([])))
    expect(await get(fetcher, '/api/notes')).toEqual([200, '[]'])
    expect(await get(fetcher, '/api/other')).toEqual([200, 'other'])
    await layer.resetHandlers()
    expect(await get(fetcher, '/api/notes')).toEqual([200, '["real"]'])
  })

  test('the newest override wins; a method it does not answer goes to the app, not to a 405', async () => {
    const layer = mock(notes(), { persist: false })
    const fetcher = handle(layer)
    layer.use({ method: 'GET', path: '/api/notes', text: 'first' })
    layer.use({ method: 'GET', path: '/api/notes', text: 'second' })
    expect(await get(fetcher, '/api/notes')).toEqual([200, 'second'])
    expect((await get(fetcher, '/api/notes', { method: 'POST' }))[0]).toBe(405) // the app's own 405
  })

  test('a declarative override: status, headers, JSON body, path parameters; once steps aside after one answer', async () => {
    const layer = mock(notes(), { persist: false })
    const fetcher = handle(layer)
    layer.use({ path: '/api/notes/{id:int}', status: 201, headers: { 'x-mock': 'yes' }, json: { ok: true }, once: true })
    const response = await fetcher(new Request('http://localhost/api/notes/7'))
    expect([response.status, response.headers.get('x-mock'), response.headers.get('content-type'), await response.json()]).toEqual([201, 'yes', 'application/json', { ok: true }])
    expect((await get(fetcher, '/api/notes/7'))[0]).toBe(404)
  })

  test('bytes given as base64 or a Uint8Array', async () => {
    const layer = mock(notes(), { persist: false })
    const fetcher = handle(layer)
    layer.use({ path: '/a', bytes: 'AAH+/w==' }, { path: '/b', bytes: new Uint8Array([9]) })
    expect([...new Uint8Array(await (await fetcher(new Request('http://localhost/a'))).arrayBuffer())]).toEqual([0, 1, 254, 255])
    const b = await fetcher(new Request('http://localhost/b'))
    expect([b.headers.get('content-type'), [...new Uint8Array(await b.arrayBuffer())]]).toEqual(['application/octet-stream', [9]])
  })

  test('a bad override is refused with a message naming the field', () => {
    const layer = mock(notes(), { persist: false })
    expect(() => layer.use({ path: 'api' })).toThrow(/path must be a string starting with '\/'/)
    expect(() => layer.use({ path: '/a', status: 99 })).toThrow(/status must be an integer from 200 to 599/)
    expect(() => layer.use({ path: '/a', json: 1, text: 'x' })).toThrow(/one body \(json, text or bytes\), not json and text/)
    expect(() => layer.use({ path: '/a', delay: -1 })).toThrow(/delay must be a number/)
    expect(() => layer.use({ path: '/a', statuss: 200 } as never)).toThrow(/unknown field "statuss"/)
    expect(() => layer.use({ path: '/a', method: 'GET /x' })).toThrow(/method must be a method name/)
  })

  test('answersURL counts overrides, so that serve() intercepts their paths', () => {
    const layer = mock(notes(), { persist: false })
    expect(layer.answersURL!(new URL('http://localhost/api/new'), 'GET')).toBe(false)
    layer.use({ path: '/api/new', text: 'x' })
    expect(layer.answersURL!(new URL('http://localhost/api/new'), 'GET')).toBe(true)
    expect(layer.answersURL!(new URL('http://localhost/api/notes'), 'GET')).toBe(true)
  })

  test('a network-error override answers Response.error(); a cut stream breaks the body after N bytes', async () => {
    const layer = mock(notes(), { persist: false })
    const fetcher = handle(layer)
    layer.use({ path: '/down', error: true }, { path: '/cut', text: 'abcdefghij', cutAfter: 4 })
    expect((await fetcher(new Request('http://localhost/down'))).type).toBe('error')
    const reader = (await fetcher(new Request('http://localhost/cut'))).body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('abcd')
    await expect(reader.read()).rejects.toThrow(/network error/)
  })
})

describe('scenarios', () => {
  const scenarios = { empty: [{ path: '/api/notes', json: [] }], down: [{ path: '/api/{rest:path}', status: 503, text: 'down' }] }

  test('a scenario answers behind the overrides until reset; the name survives a new layer (a worker restart)', async () => {
    const store = sharedStore()
    const layer = mock(notes(), { scenarios, persist: store })
    const fetcher = handle(layer)
    await layer.useScenario('down')
    expect(await get(fetcher, '/api/notes')).toEqual([503, 'down'])
    layer.use({ path: '/api/notes', text: 'override' })
    expect(await get(fetcher, '/api/notes')).toEqual([200, 'override'])

    const restarted = mock(notes(), { scenarios, persist: store })
    expect(await get(handle(restarted), '/api/other')).toEqual([503, 'down'])
    expect(restarted.scenario).toBe('down')
    await restarted.resetHandlers()
    expect(store.value).toBeUndefined()
    expect(await get(handle(mock(notes(), { scenarios, persist: store })), '/api/other')).toEqual([200, 'other'])
  })

  test('a scenario switched through one worker is followed by the others sharing its store (a new version installing, other scopes)', async () => {
    const store = sharedStore()
    const channel = `mock-test-channel-${Math.random()}`
    const old = mock(notes(), { scenarios, persist: store, channel })
    const next = mock(notes(), { scenarios, persist: store, channel })
    await Promise.all([old.ready, next.ready]) // the new worker's script read the store
    await old.useScenario('down')
    await expect.poll(() => next.scenario).toBe('down')
    expect(await get(handle(next), '/api/other')).toEqual([503, 'down'])
    await next.resetHandlers()
    await expect.poll(() => old.scenario).toBeNull()
    expect(await get(handle(old), '/api/other')).toEqual([200, 'other'])
  })

  test('a scenario this version does not know, saved by another, leaves none active here', async () => {
    const store = sharedStore()
    const channel = `mock-test-channel-${Math.random()}`
    const newer = mock(notes(), { scenarios: { ...scenarios, offline: [{ path: '/api/{rest:path}', error: true }] }, persist: store, channel })
    const older = mock(notes(), { scenarios, persist: store, channel })
    await older.useScenario('down')
    await expect.poll(() => newer.scenario).toBe('down')
    await newer.useScenario('offline')
    await expect.poll(() => older.scenario).toBeNull()
  })

  test('a switch here is not undone by a read of the store that started before it', async () => {
    let release!: () => void
    const store = sharedStore()
    // Each read sees the store as it was when the read began, and ends when released.
    const slowGet: ScenarioStore = {
      get: () => {
        const seen = store.value
        return new Promise((resolve) => (release = () => resolve(seen)))
      },
      set: store.set,
    }
    const channel = `mock-test-channel-${Math.random()}`
    const here = mock(notes(), { scenarios, persist: slowGet, channel })
    const other = mock(notes(), { scenarios, persist: store, channel })
    release()
    await Promise.all([here.ready, other.ready])
    await other.useScenario('empty') // here starts reading the store again, and the read waits
    await new Promise((resolve) => setTimeout(resolve, 20))
    await here.useScenario('down')
    release() // the read finishes with what it saw
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(here.scenario).toBe('down')
  })

  test('an unknown scenario is refused with the names it could have been', async () => {
    const layer = mock(notes(), { scenarios, persist: false })
    await expect(layer.useScenario('slow')).rejects.toThrow('no scenario named "slow" (known: "empty", "down")')
  })

  test('control() carries out page messages and answers the state', async () => {
    const layer = mock(notes(), { scenarios, persist: false })
    expect(await layer.control({ action: 'use', overrides: [{ path: '/x', text: 'x' }] })).toEqual({ scenario: null, scenarios: ['empty', 'down'], overrides: 1 })
    expect(await layer.control({ action: 'scenario', name: 'empty' })).toMatchObject({ scenario: 'empty' })
    expect(await layer.control({ action: 'reset' })).toEqual({ scenario: null, scenarios: ['empty', 'down'], overrides: 0 })
    await expect(layer.control({ action: 'nope' } as never)).rejects.toThrow('unknown action "nope"')
  })
})

describe('delay', () => {
  test('delay(ms) waits about that long; delay("real") stays within its bounds', async () => {
    let started = performance.now()
    await delay(60)
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
    started = performance.now()
    await delay('real')
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(REAL_LATENCY.min - 5)
    expect(took).toBeLessThan(REAL_LATENCY.max + 200)
  })

  test('delay("infinite") waits until its signal aborts', async () => {
    const controller = new AbortController()
    let settled = false
    const waiting = delay('infinite', controller.signal).finally(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(settled).toBe(false)
    controller.abort()
    await expect(waiting).rejects.toThrow(/abort/i)
  })

  test('a declarative infinite delay ends when the layer is told the page aborted, and the handler sees it', async () => {
    const layer = mock(notes(), { persist: false })
    const fetcher = handle(layer, { onError: () => {} })
    let finallyRan = false
    layer.use({ path: '/never', delay: 'infinite' })
    layer.use(
      new Route('/handler', async (request) => {
        try {
          await delay('infinite', layer.signalOf(request))
          return new PlainTextResponse('never')
        } finally {
          finallyRan = true
        }
      }),
    )
    const never = fetcher(new Request('http://localhost/never'))
    const handler = fetcher(new Request('http://localhost/handler')).catch(() => 'failed')
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(layer.abort('GET', 'http://localhost/never')).toBe(true)
    expect((await never).type).toBe('error')
    expect(layer.abort('GET', 'http://localhost/handler')).toBe(true)
    await handler
    expect(finallyRan).toBe(true)
    expect(layer.abort('GET', 'http://localhost/never')).toBe(false)
  })

  test('a declarative delay applies before the answer', async () => {
    const layer = mock(notes(), { persist: false })
    layer.use({ path: '/slow', delay: 80, text: 'late' })
    const started = performance.now()
    expect(await get(handle(layer), '/slow')).toEqual([200, 'late'])
    expect(performance.now() - started).toBeGreaterThanOrEqual(75)
  })
})
