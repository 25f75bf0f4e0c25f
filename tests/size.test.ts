// The size budgets of bench/size.mjs: a change that grows a worker past its budget fails here with the figure.
import { describe, expect, test } from 'vitest'
// @ts-expect-error a plain .mjs module without types
import { BUDGETS, FLOOR, QUICK_START, README_QUICK_START, everyFeature, measure } from '../bench/size.mjs'

const kb = (bytes: number) => `${(bytes / 1000).toFixed(2)} KB`

describe('worker size, minified and gzipped as Vite ships it', () => {
  const cases: [string, () => string, number][] = [
    ['the floor: serve() with a raw ASGI app', () => FLOOR, BUDGETS.floor],
    ["the README's Quick start (raw ASGI app)", () => README_QUICK_START, BUDGETS.readmeQuickStart],
    ['the Quick start with App/Route/JSONResponse', () => QUICK_START, BUDGETS.quickStart],
    ['a worker using every feature', () => everyFeature(), BUDGETS.everyFeature],
  ]
  for (const [name, source, budget] of cases) {
    test(`${name} stays within ${kb(budget)}`, async () => {
      const { gzip } = await measure(source())
      expect(gzip, `${name}: ${kb(gzip)} gzipped, budget ${kb(budget)} (bench/size.mjs)`).toBeLessThanOrEqual(budget)
    }, 60_000)
  }
})
