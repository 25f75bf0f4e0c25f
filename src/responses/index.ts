/** The response family. */
export { Response, HTMLResponse, PlainTextResponse, type Content, type ResponseInit, type ResponseOptions } from './response.js'
export { JSONResponse, UJSONResponse } from './json.js'
export { RedirectResponse } from './redirect.js'
export { StreamingResponse, type StreamChunk, type StreamContent } from './streaming.js'
export { FileResponse, type FileResponseOptions, type FileStore } from './file.js'
export type { CookieOptions, DeleteCookieOptions } from './cookies.js'
export {
  EventSourceResponse,
  encodeEvent,
  lastEventId,
  type EventItem,
  type EventSeparator,
  type EventSourceContent,
  type EventSourceOptions,
  type ServerSentEvent,
} from './sse.js'
