import { defineConfig } from 'vitest/config'

// The cross-engine browser suite (tests/browser/engines): each spec runs in Chromium, Firefox and
// WebKit. One file at a time, one engine at a time: browsers need the machine's cores.
export default defineConfig({
  test: {
    include: ['tests/browser/engines/**/*.cross.ts'],
    environment: 'node',
    globalSetup: ['tests/browser/engines/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
    // With every engine missing (a local skip, never on CI) the files hold no test.
    passWithNoTests: true,
    reporters: ['verbose'],
  },
})
