/** A stored file: its bytes and the metadata a FileResponse needs. */
export interface StoredFile {
  blob: Blob
  size: number
  /** Milliseconds since the epoch. */
  lastModified: number
  mediaType: string
}
