export interface CookieOptions { maxAge?: number; expires?: number | Date | string }
export type DeleteCookieOptions = Omit<CookieOptions, 'maxAge' | 'expires'>
export function cookieHeader(key: string, value: string, _o: CookieOptions): string { return `${key}=${value}` }
