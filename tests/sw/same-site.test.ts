import { describe, expect, test } from 'vitest'
import { siteOf, siteTeller, type ClientsLike } from '../../src/sw/same-site.js'

const APP = 'http://127.0.0.1:8000'

/** A `clients` stand-in holding some windows and workers, counting lookups. */
function fakeClients(entries: Record<string, { url: string; type?: string; frameType?: string }>) {
  const calls: string[] = []
  const clients: ClientsLike = {
    get: async (id) => {
      calls.push(id)
      return entries[id]
    },
  }
  return { clients, calls }
}

const navigation = (url: string, init: { method?: string; referrer?: string; destination?: string } = {}) =>
  ({ url, method: init.method ?? 'GET', mode: 'navigate', destination: init.destination ?? 'document', referrer: init.referrer ?? '' }) as Request
const subresource = (url: string) => ({ url, method: 'GET', mode: 'cors', destination: '', referrer: `${APP}/` }) as Request

describe('siteOf', () => {
  test('scheme and host; the port does not count; no site without a host', () => {
    expect(siteOf(`${APP}/a?b`)).toBe('http://127.0.0.1')
    expect(siteOf('http://127.0.0.1:8001/')).toBe('http://127.0.0.1')
    expect(siteOf('https://127.0.0.1/')).toBe('https://127.0.0.1')
    expect(siteOf('')).toBeNull()
    expect(siteOf('about:client')).toBeNull()
  })
})

describe('siteTeller', () => {
  test('a top-level navigation is same-site when its referrer is (another port is the same site)', async () => {
    const tell = siteTeller(fakeClients({}).clients)
    expect(await tell({ request: navigation(`${APP}/x`, { referrer: `${APP}/page` }), clientId: '' })).toEqual({ sameSite: true, topLevel: true, method: 'GET' })
    expect(await tell({ request: navigation(`${APP}/x`, { referrer: 'http://127.0.0.1:8001/' }), clientId: '' })).toMatchObject({ sameSite: true })
  })

  test('a navigation from another host or scheme is cross-site, even with a same-site client id', async () => {
    const { clients } = fakeClients({ mine: { url: `${APP}/`, type: 'window', frameType: 'top-level' } })
    const tell = siteTeller(clients)
    expect(await tell({ request: navigation(`${APP}/x`, { referrer: 'http://localhost:8000/', method: 'POST' }), clientId: 'mine' })).toEqual({ sameSite: false, topLevel: true, method: 'POST' })
    expect(await tell({ request: navigation(`${APP}/x`, { referrer: 'https://127.0.0.1/' }), clientId: '' })).toMatchObject({ sameSite: false })
  })

  test('without a referrer, the initiating client decides; an unknown one is cross-site', async () => {
    const { clients } = fakeClients({ mine: { url: `${APP}/`, type: 'window', frameType: 'nested' } })
    const tell = siteTeller(clients)
    expect(await tell({ request: navigation(`${APP}/x`), clientId: 'mine' })).toMatchObject({ sameSite: true, topLevel: true })
    expect(await tell({ request: navigation(`${APP}/x`), clientId: 'elsewhere' })).toMatchObject({ sameSite: false, topLevel: true })
    expect(await tell({ request: navigation(`${APP}/x`), clientId: '' })).toMatchObject({ sameSite: false, topLevel: true })
  })

  test('a frame navigation is cross-site: its ancestors are unknowable', async () => {
    const tell = siteTeller(fakeClients({}).clients)
    expect(await tell({ request: navigation(`${APP}/x`, { referrer: `${APP}/`, destination: 'iframe' }), clientId: '' })).toEqual({ sameSite: false, topLevel: false, method: 'GET' })
  })

  test("a subresource is same-site when its page is a same-site top-level window; each page is looked up once", async () => {
    const { clients, calls } = fakeClients({
      top: { url: `${APP}/page`, type: 'window', frameType: 'top-level' },
      popup: { url: `${APP}/page`, type: 'window', frameType: 'auxiliary' },
      framed: { url: `${APP}/page`, type: 'window', frameType: 'nested' },
      worker: { url: `${APP}/worker.js`, type: 'worker', frameType: 'none' },
    })
    const tell = siteTeller(clients)
    expect(await tell({ request: subresource(`${APP}/api`), clientId: 'top' })).toEqual({ sameSite: true, topLevel: false, method: 'GET' })
    expect(await tell({ request: subresource(`${APP}/api`), clientId: 'top' })).toMatchObject({ sameSite: true })
    expect(await tell({ request: subresource(`${APP}/api`), clientId: 'popup' })).toMatchObject({ sameSite: true })
    expect(await tell({ request: subresource('http://localhost:8000/api'), clientId: 'top' })).toMatchObject({ sameSite: false })
    expect(await tell({ request: subresource(`${APP}/api`), clientId: 'framed' })).toMatchObject({ sameSite: false })
    expect(await tell({ request: subresource(`${APP}/api`), clientId: 'worker' })).toMatchObject({ sameSite: false })
    expect(await tell({ request: subresource(`${APP}/api`), clientId: 'gone' })).toMatchObject({ sameSite: false })
    expect(await tell({ request: subresource(`${APP}/api`), clientId: '' })).toMatchObject({ sameSite: false })
    expect(calls).toEqual(['top', 'popup', 'framed', 'worker', 'gone'])
  })

  test('the page a top-level navigation creates is known without a lookup', async () => {
    const { clients, calls } = fakeClients({})
    const tell = siteTeller(clients)
    await tell({ request: navigation(`${APP}/x`), clientId: '', resultingClientId: 'new' })
    expect(await tell({ request: subresource(`${APP}/api`), clientId: 'new' })).toMatchObject({ sameSite: true })
    expect(calls).toEqual([])
  })
})
