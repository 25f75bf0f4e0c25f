/** The bodies of the app's pages: plain functions from data to markup. */
import { csrfField } from './csrf.js'
import { html, raw, type SafeHTML } from './html.js'
import type { Theme } from './layout.js'
import { isPassive } from './mediatypes.js'
import type { Attachment, Note, NoteInput } from '../types.js'
import { LIMITS } from './validation.js'

const CLIP = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>'

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' })

/** `3.2 MB` */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  const units = ['KB', 'MB', 'GB']
  let value = size / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

const time = (ms: number) => html`<time datetime="${new Date(ms).toISOString()}">${dateFormat.format(ms)}</time>`
const tagList = (tags: string[]) => (tags.length ? html`<ul class="tags">${tags.map((tag) => html`<li><a href="/?q=%23${encodeURIComponent(tag)}">#${tag}</a></li>`)}</ul>` : '')

/** The body as paragraphs: blank lines separate them, single newlines stay line breaks. */
function paragraphs(text: string): SafeHTML {
  const blocks = text.split(/\n\s*\n/).filter((block) => block.trim())
  if (!blocks.length) return html`<p class="muted">No text.</p>`
  return html`${blocks.map((block) => html`<p>${block.split('\n').map((line, i) => html`${i ? html`<br>` : ''}${line}`)}</p>`)}`
}

/** One note in the list. */
export function noteCard(note: Note): SafeHTML {
  const excerpt = note.body.length > 180 ? `${note.body.slice(0, 180)}…` : note.body
  return html`<li class="note-card${note.pinned ? ' pinned' : ''}" data-note-id="${note.id}">
  <a href="/notes/${note.id}">
    <h3>${note.pinned ? html`<span class="pin" title="Pinned">★</span> ` : ''}${note.title}</h3>
    ${excerpt ? html`<p>${excerpt}</p>` : ''}
    <footer>
      ${note.tags.length ? html`<span class="card-tags">${note.tags.map((tag) => `#${tag}`).join(' ')}</span>` : ''}
      ${note.attachments.length ? html`<span class="clip">${raw(CLIP)} ${note.attachments.length === 1 ? '1 file' : `${note.attachments.length} files`}</span>` : ''}
      <span class="muted">${time(note.updatedAt)}</span>
    </footer>
  </a>
</li>`
}

/** Whether a note matches a search: `#tag` searches tags, other words the title and body. */
export function matches(note: Note, query: string): boolean {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => (word.startsWith('#') ? note.tags.includes(word.slice(1)) : `${note.title}\n${note.body}`.toLowerCase().includes(word)))
}

/** The note list, with the quick-add form (which talks to the JSON API) and the search. */
export function homePage(notes: Note[], total: number, query: string): SafeHTML {
  const empty = query
    ? html`<div class="empty"><h2>No note matches “${query}”</h2><p><a href="/">Show every note</a></p></div>`
    : html`<div class="empty"><h2>No notes yet</h2><p>Write one above, or <a href="/notes/new">start a note with attachments</a>. It is saved in this browser, and works offline.</p></div>`
  return html`<section class="page-head">
  <div>
    <h1>Notes</h1>
    <p class="muted" data-count>${total === 1 ? '1 note' : `${total} notes`}, stored in IndexedDB and served by your service worker.</p>
  </div>
  <a class="button primary" href="/notes/new">New note</a>
</section>
<form class="card quick-add" data-quick-add novalidate>
  <label class="sr-only" for="quick-title">Title</label>
  <input id="quick-title" name="title" placeholder="Quick note title" autocomplete="off" maxlength="${LIMITS.title + 20}">
  <label class="sr-only" for="quick-body">Text</label>
  <textarea id="quick-body" name="body" rows="2" placeholder="Write something… (saved with POST /api/notes)"></textarea>
  <div class="quick-add-row">
    <label class="sr-only" for="quick-tags">Tags</label>
    <input id="quick-tags" name="tags" placeholder="tags, comma separated" autocomplete="off">
    <button class="button primary" type="submit">Add note</button>
  </div>
  <p class="form-error" data-error role="alert" hidden></p>
</form>
<form class="search" method="get" action="/" role="search">
  <label class="sr-only" for="search">Search notes</label>
  <input id="search" type="search" name="q" value="${query}" placeholder="Search notes, or #tag">
  <button class="button" type="submit">Search</button>
</form>
<ul class="note-grid" data-notes>${notes.map(noteCard)}</ul>
${notes.length ? '' : empty}`
}

/** An attachment shown as what it is: an image, a seekable video, audio, or a file to open or download. */
function attachmentFigure(note: Note, attachment: Attachment, token: string): SafeHTML {
  const src = `/files/${note.id}/${attachment.id}`
  const kind = attachment.mediaType.split('/')[0]
  const label = attachment.filename.split('.').pop()?.slice(0, 4).toUpperCase() || 'FILE'
  // An <img> never runs an SVG's scripts; only passive types open in a tab (the others are downloads).
  const preview =
    kind === 'image'
      ? html`<img src="${src}" alt="${attachment.filename}" loading="lazy">`
      : kind === 'video'
        ? html`<video src="${src}" controls preload="metadata" playsinline></video>`
        : kind === 'audio'
          ? html`<audio src="${src}" controls preload="metadata"></audio>`
          : isPassive(attachment.mediaType)
            ? html`<a class="file-icon" href="${src}" target="_blank">${label}</a>`
            : html`<a class="file-icon" href="${src}?download=1">${label}</a>`
  return html`<figure class="attachment" data-attachment="${attachment.filename}">
  <div class="preview">${preview}</div>
  <figcaption>
    <span class="filename" title="${attachment.filename}">${attachment.filename}</span>
    <span class="muted">${attachment.mediaType} · ${formatBytes(attachment.size)}</span>
    <span class="attachment-actions">
      <a class="button small" href="${src}?download=1">Download</a>
      <form method="post" action="/notes/${note.id}/attachments/${attachment.id}/delete" data-confirm="Remove ${attachment.filename}?">
        ${csrfField(token)}
        <button class="button small ghost" type="submit">Remove</button>
      </form>
    </span>
  </figcaption>
</figure>`
}

/** One note, with its attachments and the forms that change it (`token`: the CSRF token they carry). */
export function notePage(note: Note, token: string): SafeHTML {
  return html`<nav class="crumbs"><a href="/">← All notes</a></nav>
<article class="note" data-note="${note.id}">
  <header class="page-head">
    <div>
      <h1>${note.pinned ? html`<span class="pin" title="Pinned">★</span> ` : ''}${note.title}</h1>
      <p class="muted">Created ${time(note.createdAt)}${note.updatedAt !== note.createdAt ? html` · edited ${time(note.updatedAt)}` : ''}</p>
      ${tagList(note.tags)}
    </div>
    <div class="actions">
      <a class="button" href="/notes/${note.id}/edit">Edit</a>
      <form method="post" action="/notes/${note.id}/delete" data-confirm="Delete “${note.title}” and its attachments?">
        ${csrfField(token)}
        <button class="button danger" type="submit">Delete</button>
      </form>
    </div>
  </header>
  <div class="card note-body">${paragraphs(note.body)}</div>
  <section class="attachments">
    <h2>Attachments <span class="muted">(${note.attachments.length})</span></h2>
    ${note.attachments.length ? html`<div class="attachment-grid">${note.attachments.map((a) => attachmentFigure(note, a, token))}</div>` : html`<p class="muted">No attachments yet.</p>`}
    <form class="card upload" method="post" action="/notes/${note.id}/attachments" enctype="multipart/form-data" data-busy="Uploading…">
      ${csrfField(token)}
      <label for="more-files">Add files <span class="muted">(images, video, anything; kept in IndexedDB)</span></label>
      <input id="more-files" type="file" name="files" multiple required>
      <button class="button" type="submit">Upload</button>
    </form>
  </section>
</article>`
}

function noteFields(values: Partial<NoteInput>, error?: { message: string; field?: string }): SafeHTML {
  const invalid = (field: string) => (error?.field === field ? html` aria-invalid="true"` : '')
  return html`<p class="form-error" data-error role="alert"${error ? '' : html` hidden`}>${error?.message}</p>
<label for="title">Title</label>
<input id="title" name="title" value="${values.title ?? ''}" required maxlength="${LIMITS.title + 20}" autocomplete="off"${invalid('title')}>
<label for="body">Text</label>
<textarea id="body" name="body" rows="8"${invalid('body')}>${values.body ?? ''}</textarea>
<label for="tags">Tags <span class="muted">(comma separated)</span></label>
<input id="tags" name="tags" value="${(values.tags ?? []).join(', ')}" autocomplete="off"${invalid('tags')}>
<label class="check"><input type="checkbox" name="pinned"${values.pinned ? html` checked` : ''}> Pin to the top</label>`
}

/** The form for a new note: a classic multipart POST, answered with a 303 to the new note. */
export function newNotePage(token: string, values: Partial<NoteInput> = {}, error?: { message: string; field?: string }): SafeHTML {
  return html`<nav class="crumbs"><a href="/">← All notes</a></nav>
<section class="page-head"><div><h1>New note</h1><p class="muted">A classic form POST: the worker saves it and answers <code>303 See Other</code>.</p></div></section>
<form class="card form" method="post" action="/notes" enctype="multipart/form-data" data-busy="Saving…">
  ${csrfField(token)}
  ${noteFields(values, error)}
  <label for="files">Attachments <span class="muted">(optional, up to ${LIMITS.files} files)</span></label>
  <input id="files" type="file" name="files" multiple>
  <div class="form-actions"><button class="button primary" type="submit">Save note</button><a class="button ghost" href="/">Cancel</a></div>
</form>`
}

/** The edit form: sent to the JSON API by the page script (PATCH), or as a classic POST without it. */
export function editNotePage(note: Note, token: string, values: Partial<NoteInput> = note, error?: { message: string; field?: string }): SafeHTML {
  return html`<nav class="crumbs"><a href="/notes/${note.id}">← ${note.title}</a></nav>
<section class="page-head"><div><h1>Edit note</h1><p class="muted">Saved with <code>PATCH /api/notes/${note.id}</code>; errors come back as a 400 JSONResponse.</p></div></section>
<form class="card form" method="post" action="/notes/${note.id}/edit" data-edit="${note.id}" data-busy="Saving…" novalidate>
  ${csrfField(token)}
  ${noteFields(values, error)}
  <div class="form-actions"><button class="button primary" type="submit">Save changes</button><a class="button ghost" href="/notes/${note.id}">Cancel</a></div>
</form>`
}

/** The export page: streamed NDJSON or CSV, with progress; and the bulk endpoint to have something to export. */
export function exportPage(total: number): SafeHTML {
  return html`<section class="page-head"><div><h1>Export</h1><p class="muted">Every note, streamed by a <code>StreamingResponse</code> one record at a time.</p></div></section>
<div class="export-grid">
  <section class="card export-option">
    <h2>NDJSON</h2>
    <p class="muted">One JSON object per line: easy to stream, easy to import.</p>
    <button class="button primary" type="button" data-export="ndjson">Export ${total} notes as NDJSON</button>
    <a class="muted small-link" href="/api/export?format=ndjson">or download directly</a>
  </section>
  <section class="card export-option">
    <h2>CSV</h2>
    <p class="muted">For spreadsheets: one row per note, attachments counted.</p>
    <button class="button primary" type="button" data-export="csv">Export ${total} notes as CSV</button>
    <a class="muted small-link" href="/api/export?format=csv">or download directly</a>
  </section>
</div>
<section class="card progress-card" data-progress-card hidden>
  <div class="progress-head"><strong data-progress-label>Exporting…</strong><span class="muted" data-progress-detail></span></div>
  <progress data-progress max="1" value="0"></progress>
</section>
<section class="card bulk">
  <h2>Need more notes?</h2>
  <p class="muted">Creates sample notes in one <code>POST /api/notes/bulk</code>, answered by a <code>UJSONResponse</code>. All are written in one IndexedDB transaction, or none.</p>
  <div class="bulk-row">
    <label for="bulk-count">How many</label>
    <input id="bulk-count" type="number" min="1" max="${LIMITS.bulk}" value="100" data-bulk-count>
    <button class="button" type="button" data-bulk>Create sample notes</button>
  </div>
  <p class="muted" data-bulk-result role="status"></p>
</section>`
}

/** The settings page: the theme cookie, the HttpOnly session cookie, and what is stored. */
export function settingsPage(theme: Theme, session: { id: string; started: Date } | undefined, storage: { notes: number; files: number; bytes: number }, token: string): SafeHTML {
  const option = (value: Theme, label: string) =>
    html`<label class="choice"><input type="radio" name="theme" value="${value}"${theme === value ? html` checked` : ''}> ${label}</label>`
  return html`<section class="page-head"><div><h1>Settings</h1><p class="muted">Cookies set by the app in the worker, and what it keeps in this browser.</p></div></section>
<div class="settings-grid">
  <form class="card form" method="post" action="/settings/theme">
    ${csrfField(token)}
    <h2>Theme</h2>
    <p class="muted">Kept in a <code>theme</code> cookie (readable by the page) that the worker reads to render every page.</p>
    <fieldset class="choices">${option('system', 'Follow the system')}${option('light', 'Light')}${option('dark', 'Dark')}</fieldset>
    <input type="hidden" name="next" value="/settings">
    <div class="form-actions"><button class="button primary" type="submit">Save theme</button></div>
  </form>
  <section class="card">
    <h2>Cookies</h2>
    <dl class="facts">
      <dt>Session (<code>sid</code>, HttpOnly)</dt>
      <dd data-session>${session ? html`<code>${session.id.slice(0, 12)}…</code> since ${dateFormat.format(session.started)}` : 'starts with the next page'}</dd>
      <dt>What the worker receives</dt>
      <dd><code data-worker-cookie>…</code></dd>
      <dt>What <code>document.cookie</code> shows</dt>
      <dd><code data-document-cookie>…</code></dd>
    </dl>
    <p class="muted">The session cookie never reaches the page: the worker's cookie jar keeps HttpOnly cookies to itself.</p>
  </section>
  <section class="card">
    <h2>Stored in this browser</h2>
    <dl class="facts">
      <dt>Notes</dt><dd>${storage.notes}</dd>
      <dt>Attachments</dt><dd>${storage.files} (${formatBytes(storage.bytes)})</dd>
      <dt>Health</dt><dd><a href="/health">/health</a> (a <code>PlainTextResponse</code>)</dd>
    </dl>
  </section>
</div>`
}
