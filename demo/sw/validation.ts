/** Checks what clients send before anything is written: a bad field is a 400 naming it. */
import type { NoteInput } from '../types.js'

/** Input the app refuses; the app answers it with a 400 carrying `message` (and `field`). */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'ValidationError'
  }
}

export const LIMITS = { title: 120, body: 20_000, tags: 8, tag: 24, files: 10, fileSize: 50 * 1024 * 1024, bulk: 1000 }
const FIELDS = ['title', 'body', 'tags', 'pinned']

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function text(data: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = data[field]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new ValidationError(`"${field}" must be a string, not ${typeOf(value)}`, field)
  if (value.length > max) throw new ValidationError(`"${field}" is too long (${value.length} characters, at most ${max})`, field)
  return value
}

function tags(data: Record<string, unknown>): string[] | undefined {
  const value = data.tags
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new ValidationError(`"tags" must be an array of strings, not ${typeOf(value)}`, 'tags')
  const seen = new Set<string>()
  for (const tag of value) {
    if (typeof tag !== 'string') throw new ValidationError(`"tags" must hold strings only, found ${typeOf(tag)}`, 'tags')
    const clean = tag.trim().toLowerCase().replace(/^#/, '')
    if (clean.length > LIMITS.tag) throw new ValidationError(`The tag "${clean}" is too long (at most ${LIMITS.tag} characters)`, 'tags')
    if (clean) seen.add(clean)
  }
  if (seen.size > LIMITS.tags) throw new ValidationError(`A note takes at most ${LIMITS.tags} tags`, 'tags')
  return [...seen]
}

/**
 * Validates a note sent as JSON. With `partial` (PATCH) every field is optional, but at least one
 * must be there. Unknown fields are refused rather than silently dropped.
 */
export function parseNoteInput(data: unknown, { partial = false } = {}): Partial<NoteInput> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ValidationError(`Expected a JSON object like {"title": "…", "body": "…"}, got ${typeOf(data)}`)
  }
  const record = data as Record<string, unknown>
  const unknown = Object.keys(record).find((key) => !FIELDS.includes(key))
  if (unknown !== undefined) throw new ValidationError(`Unknown field "${unknown}" (a note has ${FIELDS.join(', ')})`, unknown)
  const input: Partial<NoteInput> = {}
  const title = text(record, 'title', LIMITS.title)
  if (title !== undefined) {
    if (!title.trim()) throw new ValidationError('"title" must not be empty', 'title')
    input.title = title.trim()
  } else if (!partial) throw new ValidationError('"title" is required', 'title')
  const body = text(record, 'body', LIMITS.body)
  if (body !== undefined) input.body = body
  const tagList = tags(record)
  if (tagList !== undefined) input.tags = tagList
  if (record.pinned !== undefined) {
    if (typeof record.pinned !== 'boolean') throw new ValidationError(`"pinned" must be true or false, not ${typeOf(record.pinned)}`, 'pinned')
    input.pinned = record.pinned
  }
  if (partial && Object.keys(input).length === 0) throw new ValidationError(`Nothing to change: send at least one of ${FIELDS.join(', ')}`)
  return input
}

/** A complete new note's fields, defaults filled in. */
export function parseNewNote(data: unknown): NoteInput {
  return { body: '', tags: [], pinned: false, ...parseNoteInput(data) } as NoteInput
}

/** The same checks for an HTML form: tags comma-separated, pinned a checkbox. */
export function noteFromForm(form: FormData): NoteInput {
  const field = (name: string) => {
    const value = form.get(name)
    return typeof value === 'string' ? value : undefined
  }
  return parseNewNote({
    title: field('title') ?? '',
    body: field('body') ?? '',
    tags: (field('tags') ?? '').split(','),
    pinned: form.has('pinned'),
  })
}

/** The files of a form field, empty file inputs left out, within the limits. */
export function formFiles(form: FormData, field = 'files'): File[] {
  const files = form.getAll(field).filter((value): value is File => typeof value !== 'string' && (value.size > 0 || value.name !== ''))
  if (files.length > LIMITS.files) throw new ValidationError(`At most ${LIMITS.files} files at once`, field)
  const big = files.find((file) => file.size > LIMITS.fileSize)
  if (big) throw new ValidationError(`"${big.name}" is too large (at most ${LIMITS.fileSize / 1024 / 1024} MB)`, field)
  return files
}
