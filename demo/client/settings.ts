/** The settings page: what the page can see of the cookies, next to what the worker receives. */
import { request } from './api.js'
import { $ } from './dom.js'

export async function settingsPage(): Promise<void> {
  $('[data-document-cookie]').textContent = document.cookie || '(empty)'
  const target = $('[data-worker-cookie]')
  try {
    const { cookie } = (await (await request('/api/session')).json()) as { cookie: string }
    target.textContent = cookie || '(empty)'
  } catch (error) {
    target.textContent = (error as Error).message
  }
}
