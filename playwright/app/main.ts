// The page side of the app under test: registers the worker and tells the tests when it controls the page.
import { register } from '../../src/client/index.js'

declare global {
  interface Window {
    swReady: Promise<string>
  }
}

const script = new URLSearchParams(location.search).has('debug') ? '/sw.js?debug' : '/sw.js'
window.swReady = register(script).then(
  (registration) => registration.scope,
  (error: Error) => `error: ${error.message}`,
)
