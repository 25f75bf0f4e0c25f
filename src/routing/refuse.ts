import type { Receive, Send } from '../types.js'
import { HTTPException } from '../exceptions.js'
import type { RequestScope } from '../requests.js'
import { PlainTextResponse } from '../responses/response.js'

/** Throws the HTTPException inside an App (so its handlers shape it), answers plain text otherwise, as Starlette does. */
export async function refuse(status: 404 | 405, scope: RequestScope, receive: Receive, send: Send, headers?: Record<string, string>): Promise<void> {
  if (scope.app !== undefined) throw new HTTPException(status, undefined, headers)
  const text = status === 404 ? 'Not Found' : 'Method Not Allowed'
  await new PlainTextResponse(text, { statusCode: status, headers })(scope, receive, send)
}
