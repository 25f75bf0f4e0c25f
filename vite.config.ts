import { defineConfig } from 'vitest/config'

// Library build: one ESM file per public entry point; declarations come from tsc (see "build").
export default defineConfig({
  // No define for process.env.NODE_ENV: dist/ keeps the checks, so that the user's bundler decides
  // whether swasgi's (and Workbox's) development logs stay in.
  // public/ holds the demo's static files, not the library's.
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: 'src/index.ts',
        sw: 'src/sw/index.ts',
        storage: 'src/storage/index.ts',
        client: 'src/client/index.ts',
        playwright: 'src/playwright/index.ts',
        har: 'src/har/index.ts',
        node: 'src/node/index.ts',
        vite: 'src/vite/index.ts',
        mock: 'src/mock/index.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external: [/^workbox-/, 'idb-keyval', /^mime/, /^@playwright\//, 'vite', /^node:/],
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // A hung stream must fail its test, never hang the run.
    testTimeout: 10_000,
    // Test files share worker threads and their module graph: most of a run's time was spent
    // re-importing the same modules for each file. Tests must leave globals as they found them.
    pool: 'threads',
    isolate: false,
  },
})
