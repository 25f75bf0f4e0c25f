// Form bodies, parsed from bytes: application/x-www-form-urlencoded and multipart/form-data.
import { decodeLatin1, encodeLatin1 } from './bytes.js'
import { HTTPException } from './exceptions.js'

const utf8 = /* @__PURE__ */ new TextDecoder()

/** Limits for `request.form()`, with Starlette's defaults. */
export interface FormOptions {
  /** Most file parts accepted (default 1000). */
  maxFiles?: number
  /** Most non-file fields accepted (default 1000); applies to urlencoded bodies too. */
  maxFields?: number
  /** Largest non-file multipart field in bytes (default 1 MiB); files are not limited, as in Starlette. */
  maxPartSize?: number
}

/** Decodes text in `charset`, falling back to latin-1 (never failing), as Starlette decodes form input. */
function decodeText(bytes: Uint8Array, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return decodeLatin1(bytes)
  }
}

/** Splits `type/subtype; key=value; key="quoted"` into the lower-cased value and its parameters. */
export function parseOptionsHeader(header: string): [string, Record<string, string>] {
  const params: Record<string, string> = Object.create(null)
  const semicolon = header.indexOf(';')
  const value = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase()
  if (semicolon === -1) return [value, params]
  const PARAM = /\s*(?:([^\s=;]+)\s*(?:=\s*(?:"((?:[^"\\]|\\[\s\S])*)"|([^;]*)))?)?[^;]*(?:;|$)/y
  PARAM.lastIndex = semicolon + 1
  for (let match = PARAM.exec(header); match !== null && match[0] !== ''; match = PARAM.exec(header)) {
    if (match[1] === undefined) continue
    // Only \\ and \" are unescaped, as Python's email.utils.unquote does: Windows paths keep their backslashes.
    params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(["\\])/g, '$1') : (match[3] ?? '').trim()
  }
  return [value, params]
}

function tooManyFields(limit: number): HTTPException {
  return new HTTPException(400, `Too many fields. Maximum number of fields is ${limit}.`)
}

export function parseUrlencoded(body: Uint8Array, limits: Required<FormOptions>): FormData {
  const form = new FormData()
  let fields = 0
  for (const [name, value] of new URLSearchParams(utf8.decode(body))) {
    if (fields++ >= limits.maxFields) throw tooManyFields(limits.maxFields)
    form.append(name, value)
  }
  return form
}

const CR = 0x0d
const LF = 0x0a
const DASH = 0x2d
const HEADER_END = encodeLatin1('\r\n\r\n')

/** The first index of `needle` in `haystack` at or after `from`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]
  const last = haystack.length - needle.length
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}

function malformed(reason: string): HTTPException {
  return new HTTPException(400, `Malformed multipart body: ${reason}.`)
}

/** Parses a buffered multipart/form-data body (RFC 7578) byte by byte, so file contents stay exact. */
export function parseMultipart(body: Uint8Array, params: Record<string, string>, limits: Required<FormOptions>): FormData {
  const boundary = params.boundary
  if (!boundary) throw new HTTPException(400, 'Missing boundary in multipart.')
  const charset = params.charset ?? 'utf-8'
  const delimiter = encodeLatin1('\r\n--' + boundary, 'The multipart boundary')
  const form = new FormData()
  let files = 0
  let fields = 0
  // The first delimiter opens the body (without the CRLF) or follows a preamble.
  const opensBody = delimiter.subarray(2).every((byte, i) => body[i] === byte)
  const first = opensBody ? -2 : indexOfBytes(body, delimiter, 0)
  if (first === -1) throw malformed('no boundary found')
  let pos = first + delimiter.length
  for (;;) {
    if (body[pos] === DASH && body[pos + 1] === DASH) return form // the close delimiter; an epilogue is ignored
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++
    if (body[pos] !== CR || body[pos + 1] !== LF) throw malformed('expected CRLF after a boundary')
    pos += 2
    let contentStart: number
    let headerBlock: Uint8Array
    if (body[pos] === CR && body[pos + 1] === LF) {
      headerBlock = body.subarray(pos, pos)
      contentStart = pos + 2
    } else {
      const headerEnd = indexOfBytes(body, HEADER_END, pos)
      if (headerEnd === -1) throw malformed('part headers are not terminated')
      headerBlock = body.subarray(pos, headerEnd)
      contentStart = headerEnd + 4
    }
    const contentEnd = indexOfBytes(body, delimiter, contentStart)
    if (contentEnd === -1) throw malformed('the closing boundary is missing')
    const headers = parsePartHeaders(decodeText(headerBlock))
    const content = body.subarray(contentStart, contentEnd)
    const [, disposition] = parseOptionsHeader(headers.get('content-disposition') ?? '')
    if (disposition.name === undefined) throw new HTTPException(400, 'The Content-Disposition header field "name" must be provided.')
    if (disposition.filename !== undefined) {
      if (files++ >= limits.maxFiles) throw new HTTPException(400, `Too many files. Maximum number of files is ${limits.maxFiles}.`)
      const type = headers.get('content-type') ?? ''
      form.append(disposition.name, new File([content as Uint8Array<ArrayBuffer>], disposition.filename, { type }))
    } else {
      if (fields++ >= limits.maxFields) throw tooManyFields(limits.maxFields)
      if (content.length > limits.maxPartSize) {
        throw new HTTPException(413, `Part exceeded maximum size of ${Math.floor(limits.maxPartSize / 1024)}KB.`)
      }
      form.append(disposition.name, decodeText(content, charset))
    }
    pos = contentEnd + delimiter.length
  }
}

function parsePartHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>()
  if (block === '') return headers
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw malformed(`invalid part header line ${JSON.stringify(line)}`)
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim())
  }
  return headers
}
