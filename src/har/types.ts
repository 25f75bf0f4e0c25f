/** The parts of a HAR 1.2 file (as Playwright records it) that a replay reads. */

/** A header or query pair. */
export interface HarPair {
  name: string
  value: string
}

/** A recorded body: inline `text` (base64 when `encoding` says so), or Playwright's `_file` attachment. */
export interface HarContent {
  mimeType?: string
  text?: string
  encoding?: string
  /** A file next to the HAR holding the body (Playwright's `content: 'attach'`). */
  _file?: string
}

/** A cookie as HAR lists it beside the headers. */
export interface HarCookie {
  name: string
  value: string
  path?: string
  domain?: string
  expires?: string | null
  httpOnly?: boolean
  secure?: boolean
  sameSite?: string
}

/** One recorded request and its response. */
export interface HarEntry {
  request: {
    method: string
    url: string
    headers?: HarPair[]
    postData?: HarContent
  }
  response: {
    /** 0 (or less) when the recording got no response: the request failed or was aborted. */
    status: number
    headers?: HarPair[]
    cookies?: HarCookie[]
    content?: HarContent
  }
}

/** A HAR file's top level. */
export interface Har {
  log: { entries: HarEntry[] }
}
