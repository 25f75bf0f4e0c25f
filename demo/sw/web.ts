/** The HTML side: pages rendered by the worker, and classic forms answered with post/redirect/get. */
import { FileResponse, HTTPException, PlainTextResponse, RedirectResponse, Route, type Request } from '../../src/index.js'
import { listFiles } from '../../src/storage/index.js'
import { precache } from 'swasgi:build'
import { checkedForm, csrfToken } from './csrf.js'
import { renderPage, sessionOf, themeOf, THEMES } from './layout.js'
import { isPassive } from './mediatypes.js'
import { editNotePage, exportPage, homePage, matches, newNotePage, notePage, settingsPage } from './pages.js'
import { attachFiles, attachmentPath, createNote, deleteNote, detachFile, getNote, listNotes, saveNote } from './store.js'
import type { Note } from '../types.js'
import { explorerPage } from './explorer.js'
import { ValidationError, formFiles, noteFromForm } from './validation.js'

const SEE_OTHER = 303
/** When this worker started, for /health. */
const STARTED = new Date()

/** The note named by the path, or a 404. */
export async function noteOr404(request: Request): Promise<Note> {
  const id = String(request.pathParams.id)
  const note = await getNote(id)
  if (!note) throw new HTTPException(404, `There is no note with id “${id}”. It may have been deleted.`)
  return note
}

/** Where to go after a POST: back to `path` with a confirmation for the next page to show. */
function seeOther(path: string, flash?: string): RedirectResponse {
  return new RedirectResponse(flash ? `${path}?flash=${encodeURIComponent(flash)}` : path, SEE_OTHER)
}

/** What the visitor typed, to fill the form in again after a 400. */
function formValues(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '')
  return { title: text('title'), body: text('body'), tags: text('tags').split(',').map((tag) => tag.trim()).filter(Boolean), pinned: form.has('pinned') }
}

const flashOf = (request: Request) => request.queryParams.get('flash') ?? undefined

async function home(request: Request) {
  const query = (request.queryParams.get('q') ?? '').trim()
  const notes = await listNotes()
  const shown = query ? notes.filter((note) => matches(note, query)) : notes
  return renderPage(request, { title: 'Notes', page: 'home', body: homePage(shown, notes.length, query), flash: flashOf(request) })
}

async function note(request: Request) {
  const found = await noteOr404(request)
  return renderPage(request, { title: found.title, page: 'note', body: notePage(found, csrfToken(request)), flash: flashOf(request) })
}

async function new_note(request: Request) {
  return renderPage(request, { title: 'New note', page: 'new', body: newNotePage(csrfToken(request)) })
}

/**
 * Classic form POST: a 303 to the new note, or the form again (400) with the problem, nothing saved.
 * Like every form route, it reads the form with `checkedForm`: a form another site sent is a 403.
 */
async function create_note(request: Request) {
  const form = await checkedForm(request, { maxFiles: 10 })
  try {
    const created = await createNote(noteFromForm(form), formFiles(form))
    return seeOther(`/notes/${created.id}`, 'Note saved')
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    return renderPage(request, { title: 'New note', page: 'new', statusCode: 400, body: newNotePage(csrfToken(request), formValues(form), error) })
  }
}

async function edit_note(request: Request) {
  const found = await noteOr404(request)
  return renderPage(request, { title: `Edit ${found.title}`, page: 'edit', body: editNotePage(found, csrfToken(request)) })
}

/** The edit form without the page script: the same checks as the API, then a 303. */
async function update_note(request: Request) {
  const form = await checkedForm(request)
  const found = await noteOr404(request)
  try {
    await saveNote({ ...found, ...noteFromForm(form), updatedAt: Date.now() })
    return seeOther(`/notes/${found.id}`, 'Changes saved')
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    return renderPage(request, { title: `Edit ${found.title}`, page: 'edit', statusCode: 400, body: editNotePage(found, csrfToken(request), formValues(form), error) })
  }
}

async function delete_note(request: Request) {
  await checkedForm(request)
  const found = await noteOr404(request)
  await deleteNote(found)
  return seeOther('/', `Deleted “${found.title}”`)
}

async function add_attachments(request: Request) {
  const form = await checkedForm(request)
  const found = await noteOr404(request)
  const files = formFiles(form)
  if (!files.length) throw new HTTPException(400, 'Choose at least one file to upload.')
  await attachFiles(found, files)
  return seeOther(`/notes/${found.id}`, files.length === 1 ? `Added ${files[0].name}` : `Added ${files.length} files`)
}

async function remove_attachment(request: Request) {
  await checkedForm(request)
  const found = await noteOr404(request)
  if (!(await detachFile(found, String(request.pathParams.attachment)))) throw new HTTPException(404, 'That attachment is already gone.')
  return seeOther(`/notes/${found.id}`, 'Attachment removed')
}

/**
 * An attachment's bytes: inline (so `<img>` and `<video>` show it, with Range requests for seeking),
 * or with `?download` as an attachment under its own filename. Only passive types are ever inline,
 * whatever a note was stored with: an HTML or SVG file shown from this origin would run in it.
 */
async function file(request: Request) {
  const found = await noteOr404(request)
  const attachment = found.attachments.find((a) => a.id === request.pathParams.attachment)
  if (!attachment) throw new HTTPException(404, 'No such attachment.')
  const inline = isPassive(attachment.mediaType) && !request.queryParams.has('download')
  return new FileResponse(attachmentPath(found.id, attachment.id), {
    filename: attachment.filename,
    mediaType: attachment.mediaType,
    contentDispositionType: inline ? 'inline' : 'attachment',
    // nosniff: the browser keeps to the type (no HTML found in a "text/plain" file).
    headers: { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
  })
}

async function export_page(request: Request) {
  const notes = await listNotes()
  return renderPage(request, { title: 'Export', page: 'export', body: exportPage(notes.length) })
}

async function explorer(request: Request) {
  return renderPage(request, { title: 'Explorer', page: 'explorer', body: explorerPage() })
}

async function settings(request: Request) {
  const notes = await listNotes()
  const files = notes.flatMap((n) => n.attachments)
  const storage = { notes: notes.length, files: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) }
  return renderPage(request, { title: 'Settings', page: 'settings', body: settingsPage(themeOf(request), sessionOf(request), storage, csrfToken(request)), flash: flashOf(request) })
}

/** Sets the `theme` cookie (readable by the page, kept a year) and goes back where the visitor was. */
async function save_theme(request: Request) {
  const form = await checkedForm(request)
  const theme = String(form.get('theme'))
  if (!(THEMES as string[]).includes(theme)) throw new HTTPException(400, `Unknown theme “${theme}”.`)
  const next = String(form.get('next') ?? '/')
  // Only paths on this site: a form field must not send the visitor elsewhere.
  const target = next.startsWith('/') && !next.startsWith('//') ? next : '/'
  const response = target === '/settings' ? seeOther(target, 'Theme saved') : new RedirectResponse(target, SEE_OTHER)
  response.setCookie('theme', theme, { maxAge: 365 * 86_400, sameSite: 'lax' })
  return response
}

/** The service's state as plain text, for people and scripts alike. */
async function health(request: Request) {
  const notes = await listNotes()
  const files = await listFiles('idb://notes-files/')
  const lines = [
    'ok',
    `service: swasgi notes demo (ASGI app in a service worker)`,
    `build: ${__DEMO_BUILD__}`,
    `worker started: ${STARTED.toISOString()} (up ${Math.round((Date.now() - STARTED.getTime()) / 1000)} s)`,
    `notes: ${notes.length}`,
    `attachments: ${files.length}`,
    `precached assets: ${precache.length}`,
    `online: ${navigator.onLine}`,
    `session: ${sessionOf(request) ? 'yes' : 'no'}`,
  ]
  return new PlainTextResponse(lines.join('\n') + '\n', { headers: { 'cache-control': 'no-store' } })
}

/** The pages and forms, named by their endpoints (for `request.urlFor`). */
export const pageRoutes = [
  new Route('/', home),
  new Route('/notes/new', new_note),
  new Route('/notes', create_note, { methods: ['POST'] }),
  new Route('/notes/{id}', note),
  new Route('/notes/{id}/edit', edit_note),
  new Route('/notes/{id}/edit', update_note, { methods: ['POST'] }),
  new Route('/notes/{id}/delete', delete_note, { methods: ['POST'] }),
  new Route('/notes/{id}/attachments', add_attachments, { methods: ['POST'] }),
  new Route('/notes/{id}/attachments/{attachment}/delete', remove_attachment, { methods: ['POST'] }),
  new Route('/files/{id}/{attachment}', file),
  new Route('/export', export_page),
  new Route('/explorer', explorer),
  new Route('/settings', settings),
  new Route('/settings/theme', save_theme, { methods: ['POST'] }),
  new Route('/health', health),
]
