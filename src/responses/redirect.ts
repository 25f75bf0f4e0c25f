import { Response, type ResponseInit } from './response.js'

// What urllib.parse.quote leaves alone with Starlette's safe set: unreserved characters plus
// :/%#?=@[]!$&'()*+,;  — `%` included, so existing escapes (even invalid ones) are kept.
const REDIRECT_SAFE = /^[A-Za-z0-9_.\-~:/%#?=@[\]!$&'()*+,;]$/

const utf8 = new TextEncoder()

/** Percent-encodes like Python's `urllib.parse.quote(text, safe)`: UTF-8, upper-case hex. */
export function quote(text: string, safe: RegExp): string {
  let out = ''
  for (const char of text) {
    if (safe.test(char)) {
      out += char
      continue
    }
    for (const byte of utf8.encode(char)) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

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
