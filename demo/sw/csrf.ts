/**
 * CSRF protection by double submit: a random token in a cookie, the same token in every form the
 * app renders (and in a `<meta>` for page scripts); a POST must bring both, equal.
 *
 * The cookie is `SameSite=Lax`: the worker's jar sends it with same-site requests and cross-site
 * GET navigations only, so a form another site submits arrives without it. Not `Strict`: the jar
 * does not send those with a bookmark or a typed URL (it cannot tell who started them), so that
 * page would get a new token and the app's other tabs an outdated one. `HttpOnly`: page scripts
 * read the token from the page instead.
 */
import { HTTPException, type FormOptions, type Request, type Response } from '../../src/index.js'
import { html, type SafeHTML } from './html.js'

const COOKIE = 'csrftoken'
/** The form field that carries the token. */
export const CSRF_FIELD = 'csrf_token'
/** The header that carries it for the JSON API's multipart upload. */
export const CSRF_HEADER = 'x-csrf-token'
const TOKEN = /^[0-9a-f]{32}$/

const refused = () =>
  new HTTPException(403, 'Refused: this request did not come from one of the app’s own pages (its CSRF token is missing or does not match). Reload the page and send it again.')

/** This request's token: the cookie's, or a new one that `withCSRFCookie` sets (one per request). */
export function csrfToken(request: Request): string {
  if (typeof request.state.csrfToken !== 'string') {
    const cookie = request.cookies[COOKIE]
    request.state.csrfToken = cookie && TOKEN.test(cookie) ? cookie : crypto.randomUUID().replaceAll('-', '')
  }
  return request.state.csrfToken as string
}

/** Sets the token cookie when the request did not carry the token this page was rendered with. */
export function withCSRFCookie<R extends Response>(request: Request, response: R): R {
  const token = csrfToken(request)
  if (request.cookies[COOKIE] !== token) response.setCookie(COOKIE, token, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400 })
  return response
}

/** The hidden field every POST form of the app carries. */
export const csrfField = (token: string): SafeHTML => html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`

/** Refuses (403) unless `sent` is the cookie's token; compared without stopping at the first difference. */
export function checkCSRF(request: Request, sent: unknown): void {
  const cookie = request.cookies[COOKIE]
  if (!cookie || typeof sent !== 'string' || sent.length !== cookie.length) throw refused()
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
