/** Byte and text codecs shared by requests, responses and the adapter. */

const utf8Encoder = /* @__PURE__ */ new TextEncoder()

/** Encodes a string as latin-1 bytes; `what` names the value in the error when a character does not fit. */
export function encodeLatin1(text: string, what = 'value'): Uint8Array {
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0xff) {
      throw new TypeError(`${what} contains ${JSON.stringify(text[i])} (U+${code.toString(16).toUpperCase().padStart(4, '0')}), which is outside latin-1`)
    }
    bytes[i] = code
  }
  return bytes
}

/** Decodes latin-1 bytes to a string (each byte is one code point). */
export function decodeLatin1(bytes: Uint8Array): string {
  // Not TextDecoder('latin1'), which is windows-1252 in browsers. One call per 8 KiB: fromCharCode
  // takes its bytes as arguments, and a header value fits one call.
  if (bytes.length <= 8192) return String.fromCharCode.apply(null, bytes as unknown as number[])
  let out = ''
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[])
  }
  return out
}

/**
 * UTF-8 bytes of a string. A lone surrogate throws (as Python's `str.encode` does) rather than
 * becoming U+FFFD; `what` names the text in that error.
 */
export function encodeUTF8(text: string, what = 'Text'): Uint8Array {
  const ascii = shortASCII(text)
  if (ascii) return ascii
  // Cheap for text the engine stores one byte per character, which cannot hold a surrogate.
  if (!text.isWellFormed()) {
    const index = text.search(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/)
    const code = text.charCodeAt(index).toString(16).toUpperCase()
    throw new TypeError(`${what} contains a lone surrogate (U+${code} at index ${index}), which UTF-8 cannot encode`)
  }
  return utf8Encoder.encode(text)
}

/** `encodeUTF8` for text well-formed by construction (JSON.stringify's output), without the check. */
export function encodeWellFormedUTF8(text: string): Uint8Array {
  return shortASCII(text) ?? utf8Encoder.encode(text)
}

/** Short ASCII text copied directly, cheaper than a call into TextEncoder; undefined for any other text. */
function shortASCII(text: string): Uint8Array | undefined {
  const length = text.length
  if (length > 32) return undefined
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f) return undefined
    bytes[i] = code
  }
  return bytes
}

/** Encodes text in `charset` ('utf-8' or 'latin-1'). */
export function encodeText(text: string, charset: string): Uint8Array {
  const name = charset.toLowerCase()
  if (name === 'utf-8' || name === 'utf8') return encodeUTF8(text, 'Body')
  if (name === 'latin-1' || name === 'latin1' || name === 'iso-8859-1') return encodeLatin1(text, 'Body')
  throw new TypeError(`Unsupported charset ${JSON.stringify(charset)}: use 'utf-8' or 'latin-1'`)
}

/** Bytes of a body or chunk (text encoded with `charset`), or undefined when it is none of the accepted kinds. */
export function toBytes(content: unknown, charset: string): Uint8Array | undefined {
  if (typeof content === 'string') return encodeText(content, charset)
  if (content instanceof Uint8Array) return content
  if (content instanceof ArrayBuffer) return new Uint8Array(content)
  if (ArrayBuffer.isView(content)) return new Uint8Array(content.buffer, content.byteOffset, content.byteLength)
  return undefined
}

/** The base64 text of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  return btoa(decodeLatin1(bytes))
}

/** The bytes that base64 `text` encodes; a TypeError names what is wrong with it. */
export function decodeBase64(text: string, what = 'value'): Uint8Array {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    throw new TypeError(`${what} is not valid base64`)
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The bytes of several chunks, one after the other. */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

/** A value's type as error messages name it: its class for an object, else `typeof`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null'
  return typeof value === 'object' ? (value.constructor?.name ?? 'Object') : typeof value
}
