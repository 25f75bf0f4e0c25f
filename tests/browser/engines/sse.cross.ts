// EventSourceResponse in every engine, read by the browser's own EventSource through the test worker.
import { describe, expect, test } from 'vitest'
import type { Page } from './driver.js'
import { engines, useEngine } from './harness.js'
import { generatorFinished, observedInWorker, readAcrossReconnects, readTicks } from '../in-page.js'

const observed = (page: Page) => page.evaluate(observedInWorker)
const generatorFinishedIn = (page: Page) => page.evaluate(generatorFinished)

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine)

  test('events arrive one by one while the generator runs (each made only once the page has the one before), with their type, id and lines', async () => {
    const page = await browser.controlledPage()
    const got = await page.evaluate(readTicks)
    expect(got.map((e) => e.id)).toEqual(['1', '2', '3'])
    expect(got.map((e) => e.data.split('\n')[0])).toEqual(['1', '2', '3'])
  })

  test('EventSource.close() stops the generator while it waits for its next event', async () => {
    const page = await browser.controlledPage()
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const source = new EventSource('/api/sse?n=5&delay=60000')
          source.onmessage = () => {
            source.close()
            resolve()
          }
          setTimeout(() => reject(new Error('no first event')), 8000)
        }),
    )
    expect(await generatorFinishedIn(page), "the generator's finally ran").toBe(true)
  })

  test('on a reconnect the app resumes from the last id: Last-Event-ID where the engine sends it, else the cookie fallback', async () => {
    const page = await browser.controlledPage()
    const ids = await page.evaluate(readAcrossReconnects)
    expect(ids).toEqual(['1:1', '2:2', '3:3', '4:4', '5:5', '6:6'])
    const connections = (await observed(page)).sse!
    expect(connections.slice(0, 3).map((c) => c.lastEventId)).toEqual([null, '2', '4'])
    // Chromium sends no Last-Event-ID on a reconnect that a worker answers; Firefox and WebKit do.
    expect(connections.slice(1, 3).map((c) => c.header)).toEqual(engine === 'chromium' ? [null, null] : ['2', '4'])
  })
})
