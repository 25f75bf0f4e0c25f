import { quote } from '../urls.js'
import { Response, type ResponseInit } from './response.js'

// What urllib.parse.quote leaves alone with Starlette's safe set: unreserved characters plus
// :/%#?=@[]!$&'()*+,;  — `%` included, so existing escapes (even invalid ones) are kept.
const REDIRECT_SAFE = /^[A-Za-z0-9_.\-~:/%#?=@[\]!$&'()*+,;]$/

/** An HTTP redirect (307 unless told otherwise) to `url`, quoted exactly as Starlette quotes it. */
export class RedirectResponse extends Response {
  constructor(url: string | URL, init?: ResponseInit) {
    super(new Uint8Array(0), init)
    this.headers.set('location', quote(String(url), REDIRECT_SAFE))
  }

  protected override defaultStatusCode(): number {
    return 307
  }
}
