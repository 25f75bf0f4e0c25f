/**
 * The media types web apps serve, for the one guess the service worker makes: a file stored
 * without a type. Every entry agrees with `guessMediaType` (mime's standard table; checked by
 * tests/mediatypes/). The worker carries this small table instead of mime's (sizes: the README's
 * Benchmarks), and files written by `putFile` carry their type already.
 */
const TYPES: Record<string, string> = {
  'text/html': 'html htm',
  'text/css': 'css',
  'text/javascript': 'js mjs',
  'application/json': 'json map',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/markdown': 'md',
  'text/calendar': 'ics',
  'text/vtt': 'vtt',
  'text/yaml': 'yaml yml',
  'application/xml': 'xml',
  'application/ld+json': 'jsonld',
  'application/x-ndjson': 'ndjson',
  'application/manifest+json': 'webmanifest',
  'application/wasm': 'wasm',
  'application/pdf': 'pdf',
  'application/rtf': 'rtf',
  'application/epub+zip': 'epub',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/x-tar': 'tar',
  'application/x-7z-compressed': '7z',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'image/svg+xml': 'svg',
  'image/png': 'png',
  'image/apng': 'apng',
  'image/jpeg': 'jpg jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/jxl': 'jxl',
  'image/x-icon': 'ico',
  'image/bmp': 'bmp',
  'image/tiff': 'tif tiff',
  'font/woff': 'woff',
  'font/woff2': 'woff2',
  'font/ttf': 'ttf',
  'font/otf': 'otf',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/ogg': 'ogg oga opus',
  'audio/webm': 'weba',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/x-flac': 'flac',
  'audio/midi': 'mid midi',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/ogg': 'ogv',
  'video/quicktime': 'mov',
  'video/x-matroska': 'mkv',
}

/** Extension -> media type, built once from TYPES. */
export const WEB_MEDIA_TYPES = new Map<string, string>()
for (const [type, extensions] of Object.entries(TYPES)) {
  for (const extension of extensions.split(' ')) WEB_MEDIA_TYPES.set(extension, type)
}

/** The media type of a file name or path from the web table, or null when it is not there. */
export function guessWebMediaType(name: string): string | null {
  const dot = name.lastIndexOf('.')
  if (dot < 0 || dot < name.lastIndexOf('/')) return null
  return WEB_MEDIA_TYPES.get(name.slice(dot + 1).toLowerCase()) ?? null
}
