// Before the cross-engine suite: say which engines run (and how to install a missing one; on CI a
// missing engine fails the run), then build the test app once for every spec file.
import { findEngines } from './engines.js'
// @ts-expect-error a plain .mjs module, also Playwright's webServer
import { buildApp } from '../server.mjs'

export default async function setup(): Promise<void> {
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
  await buildApp()
}
