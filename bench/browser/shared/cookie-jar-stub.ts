// Size experiment only (run.mjs aliases swasgi's cookie-jar module to this): the worker without the cookie jar.
export class CookieJar {
  cookieHeader(_url: URL): Promise<string | null> {
    return Promise.resolve(null)
  }
  setCookies(_cookies: string[], _url: URL): Promise<void> {
    return Promise.resolve()
  }
}
export const parseSetCookie = () => null
