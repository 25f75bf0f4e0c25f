// EventSourceResponse through the real service worker, read by the browser's own EventSource.
import { test, expect } from './fixtures.js'
import type { Page } from '@playwright/test'
import { generatorFinished, observedInWorker, readAcrossReconnects, readTicks } from './in-page.js'

const observed = (page: Page) => page.evaluate(observedInWorker)
const generatorFinishedIn = (page: Page) => page.evaluate(generatorFinished)

test.describe('EventSourceResponse with the browser EventSource', () => {
  test('events arrive one by one while the generator runs (each made only once the page has the one before), with their type, id and lines', async ({ controlled: page }) => {
    const got = await page.evaluate(readTicks)
    expect(got.map((e) => e.id)).toEqual(['1', '2', '3'])
    expect(got.map((e) => e.data.split('\n')[0])).toEqual(['1', '2', '3'])
  })

  test('after the server ends the stream the browser reconnects, and the app resumes from the last id (cookie workaround)', async ({ controlled: page }) => {
    const before = (await observed(page)).sse?.length ?? 0
    const ids = await page.evaluate(readAcrossReconnects)
    expect(ids).toEqual(['1:1', '2:2', '3:3', '4:4', '5:5', '6:6'])
    const connections = (await observed(page)).sse!.slice(before)
    expect(connections.length).toBeGreaterThanOrEqual(3)
    expect(connections.slice(0, 3).map((c) => c.lastEventId)).toEqual([null, '2', '4'])
    // Chromium sends no Last-Event-ID on a reconnect that a service worker answers.
    expect(connections.slice(1, 3).map((c) => c.header)).toEqual([null, null])
  })

  test('EventSource.close() stops the generator while it waits for its next event', async ({ controlled: page }) => {
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const source = new EventSource('/api/sse?n=5&delay=60000')
          source.onmessage = () => {
            source.close()
            resolve()
          }
        }),
    )
    expect(await generatorFinishedIn(page)).toBe(true)
  })

  test('navigating away stops the generator', async ({ controlled: page }) => {
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const source = new EventSource('/api/sse?n=5&delay=60000')
          source.onmessage = () => resolve()
        }),
    )
    await page.goto('/index.html')
    expect(await generatorFinishedIn(page)).toBe(true)
  })

  test('aborting a fetch of the stream stops the generator', async ({ controlled: page }) => {
    const first = await page.evaluate(async () => {
      const controller = new AbortController()
      const response = await fetch('/api/sse?n=5&delay=60000', { signal: controller.signal })
      const reader = response.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      while (!text.includes('id: 1')) text += decoder.decode((await reader.read()).value)
      controller.abort()
      return { text, type: response.headers.get('content-type'), cache: response.headers.get('cache-control') }
    })
    expect(first.text).toMatch(/^: hello\r\nretry: 100\r\n\r\nid: 1\r\ndata: 1\r\ndata: \d+\r\n\r\n$/)
    expect(first.type).toBe('text/event-stream; charset=utf-8')
    expect(first.cache).toBe('no-store')
    expect(await generatorFinishedIn(page)).toBe(true)
  })
})
