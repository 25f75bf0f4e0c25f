/** The JSON API under /api: notes, attachments, the bulk endpoint and the streamed export. */
import { cacheNames } from 'workbox-core'
import { HTTPException, JSONResponse, Response, Route, StreamingResponse, UJSONResponse, type Request } from '../../src/index.js'
import { listFiles } from '../../src/storage/index.js'
import { CSRF_HEADER, checkCSRF } from './csrf.js'
import { matches } from './pages.js'
import { attachFiles, createNote, deleteNote, getNote, listNotes, newNote, noteIds, saveNote, saveNotes } from './store.js'
import type { Note } from '../types.js'
import { LIMITS, ValidationError, formFiles, parseNewNote, parseNoteInput } from './validation.js'
import { noteOr404 } from './web.js'

/** The request body as JSON; anything but `application/json` is refused before it is read. */
async function jsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HTTPException(415, `Send JSON with "content-type: application/json" (got "${type || 'nothing'}")`)
  return request.json() // malformed JSON: an HTTPException(400) from the library
}

async function list_notes(request: Request) {
  const query = request.queryParams.get('q') ?? ''
  const notes = (await listNotes()).filter((note) => matches(note, query))
  return new JSONResponse({ count: notes.length, notes })
}

async function create_note_api(request: Request) {
  const note = await createNote(parseNewNote(await jsonBody(request)))
  return new JSONResponse(note, { statusCode: 201, headers: { location: `/api/notes/${note.id}` } })
}

async function get_note_api(request: Request) {
  return new JSONResponse(await noteOr404(request))
}

async function update_note_api(request: Request) {
  const note = await noteOr404(request)
  const changes = parseNoteInput(await jsonBody(request), { partial: true })
  const updated: Note = { ...note, ...changes, updatedAt: Date.now() }
  await saveNote(updated)
  return new JSONResponse(updated)
}

async function delete_note_api(request: Request) {
  await deleteNote(await noteOr404(request))
  return new Response(null, 204)
}

/**
 * Multipart upload (field `files`) of attachments for a note. A form of another site can send
 * multipart too, so this one route of the API wants the page's CSRF token in `x-csrf-token` (from
 * `<meta name="csrf-token">`). The others need none: their JSON body, PATCH and DELETE are
 * beyond what a form can send, and other sites' fetches never reach this worker.
 */
async function upload_api(request: Request) {
  checkCSRF(request, request.headers.get(CSRF_HEADER))
  const note = await noteOr404(request)
  const files = formFiles(await request.form({ maxFiles: LIMITS.files }))
  if (!files.length) throw new ValidationError('Send the files as multipart/form-data in a field named "files"', 'files')
  return new JSONResponse({ attachments: await attachFiles(note, files) }, 201)
}

/**
 * Creates many notes at once from `{"notes": [...]}`: every note is checked first and all are
 * written in one transaction, so a bad item means nothing is created. Answered by a UJSONResponse.
 */
async function bulk_create(request: Request) {
  const data = (await jsonBody(request)) as { notes?: unknown } | null
  const items = data?.notes
  if (!Array.isArray(items)) throw new ValidationError('Expected {"notes": [ … ]}', 'notes')
  if (items.length === 0 || items.length > LIMITS.bulk) throw new ValidationError(`Send between 1 and ${LIMITS.bulk} notes`, 'notes')
  const now = Date.now()
  const notes = items.map((item, i) => {
    try {
      // Spaced by a millisecond so that the list keeps the order they were sent in.
      return newNote(parseNewNote(item), now - i)
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(`notes[${i}]: ${error.message}`, error.field)
      throw error
    }
  })
  await saveNotes(notes)
  return new UJSONResponse({ created: notes.length, ids: notes.map((note) => note.id) }, 201)
}

const CSV_COLUMNS = ['id', 'title', 'body', 'tags', 'pinned', 'created', 'updated', 'attachments'] as const

/** One CSV record (RFC 4180): every field quoted, quotes doubled, CRLF line ends. */
function csvRow(fields: readonly (string | number | boolean)[]): string {
  return fields.map((field) => `"${String(field).replaceAll('"', '""')}"`).join(',') + '\r\n'
}

function csvRecord(note: Note): string {
  const iso = (ms: number) => new Date(ms).toISOString()
  return csvRow([note.id, note.title, note.body, note.tags.join(' '), note.pinned, iso(note.createdAt), iso(note.updatedAt), note.attachments.length])
}

/** Reads and yields the notes one by one, so the first bytes leave before the last note is read. */
async function* exportRecords(ids: string[], format: 'ndjson' | 'csv'): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow(CSV_COLUMNS)
  for (const id of ids) {
    const note = await getNote(id)
    if (note) yield format === 'csv' ? csvRecord(note) : `${JSON.stringify(note)}\n`
  }
}

/** Streams every note as NDJSON or CSV; `x-total-count` lets the page show progress. */
async function export_notes(request: Request) {
  const format = request.queryParams.get('format') ?? 'ndjson'
  if (format !== 'ndjson' && format !== 'csv') throw new ValidationError(`Unknown format "${format}" (use ndjson or csv)`, 'format')
  const ids = await noteIds()
  const date = new Date().toISOString().slice(0, 10)
  return new StreamingResponse(exportRecords(ids, format), {
    mediaType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    headers: {
      'content-disposition': `attachment; filename="notes-${date}.${format}"`,
      'x-total-count': String(ids.length),
      'cache-control': 'no-store',
    },
  })
}

/** The `cookie` header as the worker received it: the HttpOnly session is there, unlike in `document.cookie`. */
async function session_api(request: Request) {
  return new JSONResponse({ cookie: request.headers.get('cookie') ?? '' })
}

/** Every stored file path, for the explorer's FileResponse. */
async function files_api() {
  const [attachments, assets] = await Promise.all([listFiles('idb://notes-files/'), listFiles(`cache://${cacheNames.precache}/`)])
  return new JSONResponse({ files: [...assets, ...attachments] })
}

/** The JSON API's routes; `/api/notes/bulk` comes before `/api/notes/{id}`. */
export const apiRoutes = [
  new Route('/api/notes', list_notes),
  new Route('/api/notes', create_note_api, { methods: ['POST'] }),
  new Route('/api/notes/bulk', bulk_create, { methods: ['POST'] }),
  new Route('/api/notes/{id}', get_note_api),
  new Route('/api/notes/{id}', update_note_api, { methods: ['PATCH'] }),
  new Route('/api/notes/{id}', delete_note_api, { methods: ['DELETE'] }),
  new Route('/api/notes/{id}/attachments', upload_api, { methods: ['POST'] }),
  new Route('/api/export', export_notes),
  new Route('/api/session', session_api),
  new Route('/api/files', files_api),
]
