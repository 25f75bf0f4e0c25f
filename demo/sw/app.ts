/** The notes app: every route, and how errors become answers (JSON under /api, pages elsewhere). */
import { App, HTTPException, JSONResponse, type Request } from '../../src/index.js'
import { apiRoutes } from './api.js'
import { csrfTokens } from './csrf.js'
import { explorerRoutes } from './explorer.js'
import { errorPage } from './layout.js'
import { ValidationError } from './validation.js'
import { pageRoutes } from './web.js'

const isAPI = (request: Request) => request.url.pathname.startsWith('/api/') || request.url.pathname === '/explorer/run'

/** A 4xx the client caused: `{"error": message}` for the API, the app's error page for people. */
function clientError(request: Request, statusCode: number, message: string, field?: string) {
  if (isAPI(request)) return new JSONResponse({ error: message, ...(field ? { field } : {}) }, statusCode)
  return errorPage(request, statusCode, message)
}

export const app = new App({
  routes: [...pageRoutes, ...apiRoutes, ...explorerRoutes],
  // Every page's forms carry the request's CSRF token, signed in this browser (csrf.ts).
  middleware: [csrfTokens],
  exceptionHandlers: [
    [HTTPException, (request, error: HTTPException) => clientError(request, error.statusCode, error.detail)],
    [ValidationError, (request, error: ValidationError) => clientError(request, 400, error.message, error.field)],
    // Anything else is a bug or a storage failure: say so rather than show a blank page.
    [
      500,
      (request, error: unknown) => {
        console.error(error)
        const message = error instanceof Error ? error.message : String(error)
        return isAPI(request) ? new JSONResponse({ error: `Internal error: ${message}` }, 500) : errorPage(request, 500, message)
      },
    ],
  ],
})
