import { defineConfig } from '@playwright/test'
// @ts-expect-error a plain .mjs module shared with the benchmarks
import { CHROMIUM_ARGS, findChromium } from './scripts/find-browser.mjs'

const port = 4179
// The notes demo (`npm run demo`), served for playwright/demo.spec.ts.
const demoPort = 4181

export default defineConfig({
  testDir: 'playwright',
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
  webServer: [
    {
      command: `node playwright/server.mjs`,
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
