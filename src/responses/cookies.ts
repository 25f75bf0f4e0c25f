/** `Set-Cookie` text written exactly as Starlette writes it through CPython's `http.cookies`. */

/** Options of `Response.setCookie`, Starlette's keyword arguments in camelCase. */
export interface CookieOptions {
  /** Seconds until the cookie expires; 0 or less discards it at once. */
  maxAge?: number | null
  /** Seconds from now, a `Date`, or an HTTP-date string. */
  expires?: number | Date | string | null
  path?: string | null
  domain?: string | null
  secure?: boolean
  httpOnly?: boolean
  /** 'strict', 'lax' or 'none' (any case, written as given); null leaves the attribute out. */
  sameSite?: string | null
  partitioned?: boolean
}

/** Options of `Response.deleteCookie`. */
export type DeleteCookieOptions = Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'httpOnly' | 'sameSite'>

const LEGAL_KEY = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/
const UNQUOTED = /^[A-Za-z0-9!#$%&'*+\-.^_`|~: ()/<=>?@[\]{}]$/
const RESERVED = new Set(['expires', 'path', 'comment', 'domain', 'max-age', 'secure', 'httponly', 'version', 'samesite', 'partitioned'])
const SAME_SITE = new Set(['strict', 'lax', 'none'])

/** Quotes a cookie value as `http.cookies._quote` does: raw when every character is legal, else "…" with octal escapes. */
function quoteValue(value: string): string {
  if (value !== '' && LEGAL_KEY.test(value)) return value
  let out = '"'
  for (const char of value) {
    const code = char.codePointAt(0)!
    if (char === '"' || char === '\\') out += '\\' + char
    else if (code > 0xff || UNQUOTED.test(char)) out += char // > 0xff is refused later, as latin-1
    else out += '\\' + code.toString(8).padStart(3, '0')
  }
  return out + '"'
}

/** The HTTP-date `seconds` from now, truncated to the second, as `http.cookies._getdate`. */
function dateFromNow(seconds: number): string {
  return new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toUTCString()
}

function expiresText(expires: number | Date | string): string {
  if (typeof expires === 'number') {
    if (!Number.isFinite(expires)) throw new TypeError(`Cookie expires must be a finite number of seconds, got ${expires}`)
    return dateFromNow(expires)
  }
  if (expires instanceof Date) {
    if (Number.isNaN(expires.getTime())) throw new TypeError('Cookie expires is an invalid Date')
    return expires.toUTCString()
  }
  if (typeof expires === 'string') return expires
  throw new TypeError(`Cookie expires must be seconds, a Date or an HTTP-date string, got ${typeof expires}`)
}

function attributeValue(name: string, value: string): string {
  // Starlette writes attributes unquoted; a ';' would start a forged attribute, so refuse it.
  if (value.includes(';')) throw new TypeError(`Cookie ${name} must not contain ';': ${JSON.stringify(value)}`)
  return value
}

/** The value of a `set-cookie` header for `key=value` with Starlette's defaults (Path=/, SameSite=lax). */
export function cookieHeader(key: string, value: string, options: CookieOptions = {}): string {
  const { maxAge, expires, path = '/', domain, secure = false, httpOnly = false, sameSite = 'lax', partitioned = false } = options
  if (typeof key !== 'string' || !LEGAL_KEY.test(key)) throw new TypeError(`Illegal cookie name ${JSON.stringify(key)}`)
  if (RESERVED.has(key.toLowerCase())) throw new TypeError(`Cookie name ${JSON.stringify(key)} is a reserved attribute name`)
  if (sameSite != null && !SAME_SITE.has(String(sameSite).toLowerCase())) {
    throw new TypeError(`sameSite must be either 'strict', 'lax' or 'none', got ${JSON.stringify(sameSite)}`)
  }
  if (maxAge != null && !Number.isInteger(maxAge)) throw new TypeError(`Cookie maxAge must be an integer number of seconds, got ${maxAge}`)

  // Attributes in the order http.cookies sorts them; empty values are left out, as it does.
  const parts = [`${key}=${quoteValue(String(value))}`]
  if (domain) parts.push(`Domain=${attributeValue('domain', domain)}`)
  if (expires != null) {
    const text = expiresText(expires)
    if (text) parts.push(`expires=${attributeValue('expires', text)}`)
  }
  if (httpOnly) parts.push('HttpOnly')
  if (maxAge != null) parts.push(`Max-Age=${maxAge}`)
  if (partitioned) parts.push('Partitioned')
  if (path) parts.push(`Path=${attributeValue('path', path)}`)
  if (sameSite) parts.push(`SameSite=${sameSite}`)
  if (secure) parts.push('Secure')
  return parts.join('; ')
}
