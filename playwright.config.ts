import { defineConfig } from '@playwright/test'
// @ts-expect-error a plain .mjs module shared with the benchmarks
import { CHROMIUM_ARGS, findChromium } from './scripts/find-browser.mjs'

const port = Number(process.env.TEST_PORT ?? 4179)
// The notes demo (`npm run demo`), served for tests/browser/demo.spec.ts.
const demoPort = Number(process.env.DEMO_PORT ?? 4181)

export default defineConfig({
  testMatch: '**/*.spec.ts',
  timeout: 30_000,
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: true,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'chromium', testDir: 'tests/browser' },
    // The toolkit example of docs/playwright.md, run against the demo as a user's config would.
    { name: 'docs', testDir: 'docs/examples', use: { baseURL: `http://127.0.0.1:${demoPort}` } },
  ],
  webServer: [
    {
      command: `node tests/browser/server.mjs`,
      env: { PORT: String(port) },
      url: `http://127.0.0.1:${port}/index.html`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
    {
      command: `node scripts/demo.mjs`,
      env: { PORT: String(demoPort) },
      url: `http://127.0.0.1:${demoPort}/health`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
  ],
})
