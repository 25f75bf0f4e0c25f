// Request events, the unhandled-request helpers and the page channel, without a browser.
import { describe, expect, test } from 'vitest'
import { RequestEvents } from '../../src/sw/events.js'
import { closestRoute, countsAsUnhandled, describeUnhandled } from '../../src/sw/unhandled.js'
import { pageChannel, type PageMessage } from '../../src/sw/control.js'
import { EVENT_MESSAGE, EVENTS_MESSAGE, MOCK_MESSAGE, type RequestEventData } from '../../src/messages.js'
import { App, Mount, PlainTextResponse, Route } from '../../src/index.js'
import { mock } from '../../src/mock/index.js'

const start: RequestEventData = { type: 'request:start', id: 1, method: 'GET', url: 'http://localhost/a' }
const end: RequestEventData = { type: 'request:end', id: 1, method: 'GET', url: 'http://localhost/a', status: 200, ms: 3 }

describe('RequestEvents', () => {
  test('listeners get their type, "*" gets all; off and the returned function stop them; active tells whether anyone listens', () => {
    const events = new RequestEvents()
    expect(events.active).toBe(false)
    const ends: RequestEventData[] = []
    const all: string[] = []
    const stop = events.on('request:end', (event) => ends.push(event))
    const everything = (event: RequestEventData) => all.push(event.type)
    events.on('*', everything)
    expect(events.active).toBe(true)
    events.emit(start)
    events.emit(end)
    expect(ends).toEqual([end])
    expect(all).toEqual(['request:start', 'request:end'])
    stop()
    events.off('*', everything)
    expect(events.active).toBe(false)
    events.emit(end)
    expect(ends).toHaveLength(1)
  })

  test('a listener that throws does not keep the others from their event', () => {
    const events = new RequestEvents()
    const seen: number[] = []
    const error = console.error
    console.error = () => {}
    try {
      events.on('request:start', () => {
        throw new Error('boom')
      })
      events.on('request:start', (event) => seen.push(event.id))
      events.emit(start)
    } finally {
      console.error = error
    }
    expect(seen).toEqual([1])
  })

  test('a listener that is not a function is refused', () => {
    expect(() => new RequestEvents().on('request:end', 'x' as never)).toThrow('the listener for "request:end" must be a function')
  })
})

describe('unhandled requests', () => {
  test('only fetch() and XHR requests count (empty destination), never the worker script', () => {
    const request = new Request('http://localhost/api/x')
    expect(request.destination).toBe('')
    expect(countsAsUnhandled(request, 'http://localhost/sw.js')).toBe(true)
    expect(countsAsUnhandled(new Request('http://localhost/sw.js'), 'http://localhost/sw.js')).toBe(false)
    expect(countsAsUnhandled({ destination: 'script', url: 'http://localhost/app.js' } as Request, 'http://localhost/sw.js')).toBe(false)
  })

  test('the closest route looks into mounts and the mock layer', () => {
    const app = new App({ routes: [new Route('/api/notes', () => new PlainTextResponse('')), new Mount('/admin', { routes: [new Route('/users/{id}', () => new PlainTextResponse(''))] })] })
    expect(closestRoute(app, '/api/note')).toBe('/api/notes')
    expect(closestRoute(app, '/admin/user/3')).toBe('/admin/users/{id}')
    expect(closestRoute(mock(app, { persist: false }), '/api/nots')).toBe('/api/notes')
    expect(closestRoute(async () => {}, '/x')).toBeUndefined()
    expect(describeUnhandled(new Request('http://localhost/api/nots'), '/api/notes')).toBe('swasgi: unhandled request GET http://localhost/api/nots: no route of the app answers it (closest route: /api/notes)')
  })
})

describe('the page channel', () => {
  function message(data: unknown, source?: string): PageMessage & { replies: unknown[]; waited: Promise<unknown>[] } {
    const replies: unknown[] = []
    const waited: Promise<unknown>[] = []
    return { data: data as PageMessage['data'], ports: [{ postMessage: (reply) => replies.push(reply) }], source: source ? { id: source } : null, waitUntil: (promise) => waited.push(promise), replies, waited }
  }

  test('mock messages go to the layer and get its state back; an app without a layer says what to do', async () => {
    const layer = mock(async () => {}, { scenarios: { down: [] }, persist: false })
    const channel = pageChannel(layer, new RequestEvents(), { get: async () => undefined })
    const asked = message({ type: MOCK_MESSAGE, action: 'scenario', name: 'down' })
    expect(channel(asked)).toBe(true)
    await Promise.all(asked.waited)
    expect(asked.replies).toEqual([{ ok: true, state: { scenario: 'down', scenarios: ['down'], overrides: 0 } }])

    const plain = pageChannel(async () => {}, new RequestEvents(), { get: async () => undefined })
    const refused = message({ type: MOCK_MESSAGE, action: 'state' })
    plain(refused)
    await Promise.all(refused.waited)
    // The page words the error (askWorker; tests/browser/mock.spec.ts checks it).
    expect(refused.replies).toEqual([{ ok: false }])
    expect(plain(message({ type: 'something else' }))).toBe(false)
  })

  test('a page that subscribes receives the events until it is gone', async () => {
    const events = new RequestEvents()
    const posted: unknown[] = []
    let alive = true
    const channel = pageChannel(async () => {}, events, { get: async () => (alive ? { postMessage: (data) => posted.push(data) } : undefined) })
    expect(events.active).toBe(false)
    channel(message({ type: EVENTS_MESSAGE }, 'page-1'))
    expect(events.active).toBe(true)
    events.emit(end)
    await new Promise((resolve) => setTimeout(resolve))
    expect(posted).toEqual([{ type: EVENT_MESSAGE, event: end }])
    alive = false
    events.emit(end)
    await new Promise((resolve) => setTimeout(resolve))
    events.emit(end)
    await new Promise((resolve) => setTimeout(resolve))
    expect(posted).toHaveLength(1)
  })
})
