// The page side of the app under test: registers the worker and tells the tests when it controls the page.
import { register } from '../../../src/client/index.js'
import * as client from '../../../src/client/index.js'
import { putFile } from '../../../src/storage/index.js'
import { testBytes } from './bytes.js'

declare global {
  interface Window {
    swReady: Promise<string>
    putFile: typeof putFile
    register: typeof register
    initiallyControlled: boolean
    testBytes: typeof testBytes
    swasgi: typeof client
  }
}

window.initiallyControlled = navigator.serviceWorker.controller !== null

// The page's query selects the worker's variant (?debug, ?prefix).
const script = `/sw.js${location.search}`
window.swReady = register(script).then(
  (registration) => registration.scope,
  (error: Error) => `error: ${error.message}`,
)

// Tests store files from the page: the worker reads the same IndexedDB and Cache Storage.
window.putFile = putFile
window.register = register
// The cross-engine suite uploads these bytes and compares what the app echoes.
window.testBytes = testBytes
window.swasgi = client
