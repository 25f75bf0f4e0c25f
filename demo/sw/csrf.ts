/**
 * CSRF protection by signed double submit: a token in a cookie, the same token in every form the
 * app renders (and in a `<meta>` for page scripts); a POST must bring both, equal, and the token
 * must carry this browser's signature.
 *
 * The cookie is `SameSite=Lax`: the worker's jar sends it with same-site requests and cross-site
 * GET navigations only, so a form another site submits arrives without it. Not `Strict`: the jar
 * does not send those with a bookmark or a typed URL (it cannot tell who started them), so that
 * page would get a new token and the app's other tabs an outdated one. `HttpOnly`: page scripts
 * read the token from the page instead.
 *
 * Signed, because cookies do not tell ports (or, on a real site, subdomains) apart: a page of the
 * same site can plant `csrftoken=<a value it knows>` with `document.cookie` before the first visit,
 * and a plain double submit would adopt it. A token is a random nonce and its HMAC-SHA-256 under a
 * key made in this browser and kept in IndexedDB (not extractable), so no other page can make one.
 */
import { createStore, get, update } from 'idb-keyval'
import { HTTPException, Request, type ASGIApp, type FormOptions, type HTTPScope, type Response } from '../../src/index.js'
import { html, type SafeHTML } from './html.js'

const COOKIE = 'csrftoken'
/** The form field that carries the token. */
export const CSRF_FIELD = 'csrf_token'
/** The header that carries it for the JSON API's multipart upload. */
export const CSRF_HEADER = 'x-csrf-token'
const TOKEN = /^([0-9a-f]{32})\.([0-9a-f]{64})$/

const hex = (bytes: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('')
const unhex = (text: string) => new Uint8Array(text.match(/../g)!.map((pair) => parseInt(pair, 16)))

let signingKey: Promise<CryptoKey> | undefined
/** This browser's key: made once, kept in IndexedDB; the first worker to save one wins. */
function key(): Promise<CryptoKey> {
  signingKey ??= (async () => {
    const made = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    try {
      const store = createStore('notes-demo-csrf', 'keys')
      await update<CryptoKey>('hmac', (saved) => saved ?? made, store)
      return (await get<CryptoKey>('hmac', store)) ?? made
    } catch (error) {
      // Without IndexedDB the key lives as long as the worker: tokens made before are then refused.
      console.warn('notes demo: could not keep the CSRF key in IndexedDB', error)
      return made
    }
  })()
  signingKey.catch(() => (signingKey = undefined))
  return signingKey
}

const encoder = new TextEncoder()

/** A new token: a random nonce and its signature. */
async function newToken(): Promise<string> {
  const nonce = hex(crypto.getRandomValues(new Uint8Array(16)))
  return `${nonce}.${hex(await crypto.subtle.sign('HMAC', await key(), encoder.encode(nonce)))}`
}

/** Whether `token` is one this browser's key signed (checked in constant time by WebCrypto). */
async function signed(token: string | undefined): Promise<boolean> {
  const parts = token === undefined ? null : TOKEN.exec(token)
  return parts !== null && crypto.subtle.verify('HMAC', await key(), unhex(parts[2]), encoder.encode(parts[1]))
}

/**
 * Middleware: before the app runs, the request's token, in its state: the cookie's when this
 * browser signed it, else a new one (which `withCSRFCookie` sets).
 */
export function csrfTokens(app: ASGIApp): ASGIApp {
  return async (scope, receive, send) => {
    if (scope.type === 'http') {
      const cookie = new Request(scope as HTTPScope).cookies[COOKIE]
      const state = ((scope as HTTPScope).state ??= {}) as Record<string, unknown>
      state.csrfToken = (await signed(cookie)) ? cookie : await newToken()
    }
    return app(scope, receive, send)
  }
}

const refused = () =>
  new HTTPException(403, 'Refused: this request did not come from one of the app’s own pages (its CSRF token is missing or does not match). Reload the page and send it again.')

/** This request's token (see `csrfTokens`); empty on the error page of a request it failed for (whose forms are then refused). */
export function csrfToken(request: Request): string {
  const token = request.state.csrfToken
  return typeof token === 'string' ? token : ''
}

/** Sets the token cookie when the request did not carry the token this page was rendered with. */
export function withCSRFCookie<R extends Response>(request: Request, response: R): R {
  const token = csrfToken(request)
  if (token && request.cookies[COOKIE] !== token) response.setCookie(COOKIE, token, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400 })
  return response
}

/** The hidden field every POST form of the app carries. */
export const csrfField = (token: string): SafeHTML => html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`

/** Refuses (403) unless the cookie's token is signed (the request's token) and `sent` is it; compared without stopping at the first difference. */
export function checkCSRF(request: Request, sent: unknown): void {
  const cookie = request.cookies[COOKIE]
  if (!cookie || cookie !== request.state.csrfToken || typeof sent !== 'string' || sent.length !== cookie.length) throw refused()
  let difference = 0
  for (let i = 0; i < cookie.length; i++) difference |= cookie.charCodeAt(i) ^ sent.charCodeAt(i)
  if (difference !== 0) throw refused()
}

/** The request's form, once its token is checked; without the cookie, the body is not even read. */
export async function checkedForm(request: Request, options?: FormOptions): Promise<FormData> {
  if (!request.cookies[COOKIE]) throw refused()
  const form = await request.form(options)
  checkCSRF(request, form.get(CSRF_FIELD))
  return form
}
