/** Talking to the app's JSON API from the page. */

/** A refusal from the API: its `error` message, and the `field` it blames when there is one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The ApiError a failed response carries (`{"error": …, "field": …}`), else one naming the status. */
export async function apiError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: string; field?: string }
    if (body.error) return new ApiError(body.error, body.field)
  } catch {
    // Not JSON: fall back to the status.
  }
  return new ApiError(`${response.status} ${response.statusText}`)
}

/** fetch(), with a network failure explained: here it means the worker is not running. */
export async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch {
    throw new ApiError('The app did not answer. Reload the page to restart its service worker.')
  }
}

/** Sends JSON; resolves the parsed answer, or throws the API's ApiError. */
export async function sendJSON<T>(url: string, method: string, data: unknown): Promise<T> {
  const response = await request(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) })
  if (!response.ok) throw await apiError(response)
  return (await response.json()) as T
}
