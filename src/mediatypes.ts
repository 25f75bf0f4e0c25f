import { Mime } from 'mime/lite'
import standardTypes from 'mime/types/standard.js'

/**
 * Media types guessed from file names: mime's standard table (`mime/lite`) plus the few
 * non-standard types web apps serve. Measured in the worker bundle (bench/browser): the full
 * table cost about 12 KB gzipped, this one 4.2 KB. A hand-picked table on mime's own `Mime` class
 * would not be smaller: `mime/lite` builds its standard instance on import, so the table comes along.
 */
export const mediaTypes = new Mime(standardTypes, {
  'image/x-icon': ['ico'],
  'application/x-ndjson': ['ndjson'],
  'application/x-tar': ['tar'],
  'application/x-7z-compressed': ['7z'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.ms-excel': ['xls'],
  'audio/x-flac': ['flac'],
  'video/x-matroska': ['mkv'],
})

/** The media type of a file name or path, or null when unknown. */
export function guessMediaType(name: string): string | null {
  return mediaTypes.getType(name)
}
