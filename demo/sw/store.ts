/** The notes, kept in IndexedDB (idb-keyval), and their attachments, kept with swasgi's `putFile`. */
import { createStore, del, get, getMany, keys, set, setMany } from 'idb-keyval'
import { deleteFile, putFile } from '../../src/storage/index.js'
import type { Attachment, Note, NoteInput } from '../types.js'
import { uploadType } from './mediatypes.js'

const notes = createStore('notes-demo', 'notes')

/** Where an attachment's bytes are: a record in the `notes-files` IndexedDB store. */
export const attachmentPath = (noteId: string, attachmentId: string) => `idb://notes-files/${noteId}/${attachmentId}`

/** A short random id, readable in URLs. */
export function newId(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 10)
}

/** Pinned notes first, then the most recently changed. */
const byPinnedThenRecent = (a: Note, b: Note) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt

/** Every note, pinned first, newest first. */
export async function listNotes(): Promise<Note[]> {
  const ids = await keys<string>(notes)
  const found = await getMany<Note>(ids, notes)
  return found.filter((note): note is Note => note !== undefined).sort(byPinnedThenRecent)
}

/** The ids of every note, oldest first (the export order). */
export async function noteIds(): Promise<string[]> {
  return keys<string>(notes)
}

/** One note, or undefined. */
export function getNote(id: string): Promise<Note | undefined> {
  return get<Note>(id, notes)
}

/** Writes one note. */
export function saveNote(note: Note): Promise<void> {
  return set(note.id, note, notes)
}

/** Writes many notes in one transaction: all of them or none. */
export function saveNotes(many: Note[]): Promise<void> {
  return setMany(
    many.map((note) => [note.id, note]),
    notes,
  )
}

/** A new note from validated input. */
export function newNote(input: NoteInput, now = Date.now()): Note {
  return { id: newId(), ...input, createdAt: now, updatedAt: now, attachments: [] }
}

/** Stores uploaded files for a note; if one fails, the ones already written are removed again. */
export async function storeFiles(noteId: string, files: File[]): Promise<Attachment[]> {
  const stored: Attachment[] = []
  try {
    for (const file of files) {
      const attachment = { id: newId(), filename: file.name, mediaType: uploadType(file), size: file.size, addedAt: Date.now() }
      await putFile(attachmentPath(noteId, attachment.id), file, { mediaType: attachment.mediaType, lastModified: file.lastModified || Date.now() })
      stored.push(attachment)
    }
  } catch (error) {
    await removeFiles(noteId, stored)
    throw error
  }
  return stored
}

/** Deletes the bytes of attachments. */
export async function removeFiles(noteId: string, attachments: Attachment[]): Promise<void> {
  await Promise.all(attachments.map((attachment) => deleteFile(attachmentPath(noteId, attachment.id))))
}

/** Creates a note with its files; the note is written last, so a failure leaves nothing behind. */
export async function createNote(input: NoteInput, files: File[] = []): Promise<Note> {
  const note = newNote(input)
  note.attachments = await storeFiles(note.id, files)
  try {
    await saveNote(note)
  } catch (error) {
    await removeFiles(note.id, note.attachments)
    throw error
  }
  return note
}

/** Adds files to an existing note (same all-or-nothing order as `createNote`). */
export async function attachFiles(note: Note, files: File[]): Promise<Attachment[]> {
  const added = await storeFiles(note.id, files)
  try {
    await saveNote({ ...note, attachments: [...note.attachments, ...added], updatedAt: Date.now() })
  } catch (error) {
    await removeFiles(note.id, added)
    throw error
  }
  return added
}

/** Deletes a note and its files. */
export async function deleteNote(note: Note): Promise<void> {
  await del(note.id, notes)
  await removeFiles(note.id, note.attachments)
}

/** Removes one attachment from a note. */
export async function detachFile(note: Note, attachmentId: string): Promise<boolean> {
  const attachment = note.attachments.find((a) => a.id === attachmentId)
  if (!attachment) return false
  await saveNote({ ...note, attachments: note.attachments.filter((a) => a !== attachment), updatedAt: Date.now() })
  await removeFiles(note.id, [attachment])
  return true
}
