import { Mime } from 'mime/lite'
import standardTypes from 'mime/types/standard.js'

/**
 * Media types guessed from file names when a file is stored (`putFile`): mime's standard table
 * (`mime/lite`) plus the few non-standard types web apps serve. A worker that only serves files
 * does not carry this table: `FileResponse` serves the type stored with the file,
 * and guesses with the small web table of `web.ts` only for a file stored without one.
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
