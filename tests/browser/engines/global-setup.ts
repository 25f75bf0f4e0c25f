// Before the cross-engine suite: say which engines run (and how to install a missing one; on CI a
// missing engine fails the run), then build the test app once for every spec file.
import type { TestProject } from 'vitest/node'
import type { EngineName } from './driver.js'
import { findEngines } from './engines.js'
// @ts-expect-error a plain .mjs module, also Playwright's webServer
import { buildApp } from '../server.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The engines found at the start: every spec file runs in exactly these. */
    engines: EngineName[]
  }
}

/** Vitest's global setup for vitest.engines.config.ts. */
export default async function setup(project: TestProject): Promise<void> {
  const found = findEngines()
  const missing = found.filter((f) => 'missing' in f)
  for (const f of missing) {
    console.warn(`cross-engine suite: ${process.env.CI ? 'cannot run' : 'skipping'} ${f.engine}: ${f.missing}. Install it with:\n  ${f.install}`)
  }
  if (missing.length && process.env.CI) {
    throw new Error(`CI must run the browser suite in every engine; missing: ${missing.map((f) => f.engine).join(', ')} (see above)`)
  }
  const running = found.filter((f) => 'launch' in f).map((f) => f.engine)
  console.log(`cross-engine suite: ${running.length ? running.join(', ') : 'no engine available'}`)
  project.provide('engines', running)
  await buildApp()
}
