/** The note pages' script: quick add and edit through the JSON API, with its 400s shown inline. */
import type { Note } from '../types.js'
import { ApiError, sendJSON } from './api.js'
import { $, el, showError, splitTags } from './dom.js'

function noteCard(note: Note): HTMLLIElement {
  const footer = el('footer', {}, note.tags.length ? el('span', { class: 'card-tags' }, note.tags.map((t) => `#${t}`).join(' ')) : null, el('span', { class: 'muted' }, 'just now'))
  const excerpt = note.body.length > 180 ? `${note.body.slice(0, 180)}…` : note.body
  const link = el('a', { href: `/notes/${note.id}` }, el('h3', {}, note.title), excerpt ? el('p', {}, excerpt) : null, footer)
  return el('li', { class: 'note-card new', 'data-note-id': note.id }, link)
}

/** Marks the field the API named as invalid, and clears the others. */
function markInvalid(form: HTMLFormElement, field: string | undefined): void {
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid')
  if (field) form.querySelector(`[name="${field}"]`)?.setAttribute('aria-invalid', 'true')
}

async function submitWith(form: HTMLFormElement, send: () => Promise<void>): Promise<void> {
  const error = $('[data-error]', form)
  const button = $<HTMLButtonElement>('button[type=submit]', form)
  const label = button.textContent
  button.disabled = true
  button.textContent = 'Saving…'
  try {
    await send()
    showError(error, '')
    markInvalid(form, undefined)
  } catch (failure) {
    showError(error, (failure as Error).message)
    markInvalid(form, failure instanceof ApiError ? failure.field : undefined)
  } finally {
    button.disabled = false
    button.textContent = label
  }
}

/** The home page's quick-add form: POST /api/notes, then the new card on top. */
export function quickAdd(): void {
  const form = $<HTMLFormElement>('[data-quick-add]')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(form)
    void submitWith(form, async () => {
      const note = await sendJSON<Note>('/api/notes', 'POST', { title: data.get('title'), body: data.get('body'), tags: splitTags(String(data.get('tags'))) })
      document.querySelector('.empty')?.remove()
      $('[data-notes]').prepend(noteCard(note))
      const count = $('[data-count]')
      const total = Number(/\d+/.exec(count.textContent ?? '')?.[0] ?? 0) + 1
      count.textContent = count.textContent!.replace(/^\d+ notes?/, total === 1 ? '1 note' : `${total} notes`)
      form.reset()
      $<HTMLInputElement>('[name=title]', form).focus()
    })
  })
}

/** The edit form: PATCH /api/notes/{id}, then back to the note. */
export function editForm(): void {
  const form = $<HTMLFormElement>('[data-edit]')
  const id = form.dataset.edit!
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(form)
    void submitWith(form, async () => {
      await sendJSON<Note>(`/api/notes/${id}`, 'PATCH', {
        title: data.get('title'),
        body: data.get('body'),
        tags: splitTags(String(data.get('tags'))),
        pinned: data.has('pinned'),
      })
      location.assign(`/notes/${id}?flash=${encodeURIComponent('Changes saved')}`)
    })
  })
}
