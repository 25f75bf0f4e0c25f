/** The shapes the worker sends and the page reads. */

/** What a client may set on a note. */
export interface NoteInput {
  title: string
  body: string
  tags: string[]
  pinned: boolean
}

/** A file attached to a note. */
export interface Attachment {
  id: string
  filename: string
  mediaType: string
  size: number
  addedAt: number
}

/** A note as stored and as the JSON API returns it. */
export interface Note extends NoteInput {
  id: string
  createdAt: number
  updatedAt: number
  attachments: Attachment[]
}

/** One ASGI message the explorer recorded, its bytes decoded for reading. */
export interface RecordedMessage {
  type: string
  /** Milliseconds since the app was called. */
  at: number
  status?: number
  headers?: [string, string][]
  body?: { bytes: number; text: string | null }
  more_body?: boolean
}
