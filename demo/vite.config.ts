// The notes demo: the page and its worker, one Vite build (`npm run demo`; `npm run demo:dev` for
// the dev server). The plugin builds demo/sw/worker.ts into /sw.js with the precache manifest.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { swasgi } from '../src/vite/index.js'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: fileURLToPath(new URL('../public', import.meta.url)),
  define: { __DEMO_BUILD__: JSON.stringify(new Date().toISOString()) },
  plugins: [
    swasgi({
      worker: 'sw/worker.ts',
      fileName: 'sw.js',
      // index.html is only the bootstrap page: precached, Workbox would answer `/` with it.
      precache: (file) => file !== 'index.html',
    }),
  ],
})
