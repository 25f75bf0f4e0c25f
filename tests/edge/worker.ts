// The app of the workerd test: swasgi's handle() as a Cloudflare module worker, unchanged.
import { App, FileResponse, JSONResponse, Route, StreamingResponse, type FileStore, type Request } from '../../src/index.js'
import { handle, type FetchHandler } from '../../src/sw/index.js'

// The few workerd types used here (no @cloudflare/workers-types in this project).
interface KVNamespace {
  getWithMetadata<M>(key: string, type: 'arrayBuffer'): Promise<{ value: ArrayBuffer | null; metadata: M | null }>
}
interface Env {
  FILES: KVNamespace
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
}

/** Files in a KV namespace: the bytes as the value, the media type and date as its metadata. */
function kvStore(kv: KVNamespace): FileStore {
  return {
    async getFile(key) {
      const { value, metadata } = await kv.getWithMetadata<{ mediaType?: string; lastModified?: number }>(key, 'arrayBuffer')
      if (value === null) return undefined
      return { blob: new Blob([value]), size: value.byteLength, lastModified: metadata?.lastModified ?? 0, mediaType: metadata?.mediaType ?? 'application/octet-stream' }
    },
  }
}

async function* ticks(n: number, delay: number) {
  for (let i = 0; i < n; i++) {
    if (i) await new Promise((resolve) => setTimeout(resolve, delay))
    yield `tick ${i}\n`
  }
}

function makeApp(env: Env) {
  const files = kvStore(env.FILES)
  return new App({
    routes: [
      new Route('/json', (request: Request) => new JSONResponse({ hello: 'workerd', path: request.url.pathname, query: request.queryParams.get('q') })),
      new Route('/stream', () => new StreamingResponse(ticks(3, 300), { mediaType: 'text/plain' })),
      new Route('/files/{key:path}', (request: Request) => new FileResponse(String(request.pathParams.key), { store: files })),
    ],
  })
}

let handler: FetchHandler | undefined

export default {
  fetch(request: globalThis.Request, env: Env, ctx: ExecutionContext): Promise<globalThis.Response> {
    handler ??= handle(makeApp(env))
    return handler(request, ctx)
  },
}
