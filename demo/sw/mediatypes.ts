/** Which media types of uploaded files the app shows from its own origin; everything else is a download. */
import { guessMediaType } from '../../src/mediatypes/standard.js'

/**
 * Whether browsers only display this type, never run it: images (SVG aside: it runs scripts),
 * video, audio, PDF and plain text. HTML, SVG, XML or JavaScript opened from the app's origin would
 * run in it, with the app's cookies and storage.
 */
export function isPassive(mediaType: string): boolean {
  const essence = mediaType.split(';')[0].trim().toLowerCase()
  return (/^(image|video|audio)\/[\w.+-]+$/.test(essence) && essence !== 'image/svg+xml') || essence === 'application/pdf' || essence === 'text/plain'
}

/** The type to keep for an upload: the one the sender gave if it is passive, else the one its name says. */
export function uploadType(file: File): string {
  return isPassive(file.type) ? file.type : (guessMediaType(file.name) ?? 'application/octet-stream')
}
