/** The settings page: what the page can see of the cookies, next to what the worker receives. */
import { request } from './api.js'
import { $ } from './dom.js'
import { mockState, useScenario } from '../../src/client/index.js'

export async function settingsPage(): Promise<void> {
  void scenarioCard()
  $('[data-document-cookie]').textContent = document.cookie || '(empty)'
  const target = $('[data-worker-cookie]')
  try {
    const { cookie } = (await (await request('/api/session')).json()) as { cookie: string }
    target.textContent = cookie || '(empty)'
  } catch (error) {
    target.textContent = (error as Error).message
  }
}

/** The scenario switch: the worker's mock layer answers /api/ as a failing or slow server until reset. */
export async function scenarioCard(): Promise<void> {
  const grid = document.querySelector('.settings-grid')
  if (!grid) return
  const { scenario, scenarios } = await mockState()
  const card = document.createElement('form')
  card.className = 'card form'
  card.dataset.scenarios = ''
  const label = Object.assign(document.createElement('label'), { textContent: 'Backend scenario ' })
  const select = document.createElement('select')
  select.name = 'scenario'
  for (const name of ['', ...scenarios]) select.append(new Option(name || 'normal', name, false, name === (scenario ?? '')))
  select.addEventListener('change', async () => {
    await useScenario(select.value || null)
    status.textContent = select.value ? `API answers as "${select.value}" until you switch back (kept across reloads).` : 'API answers normally.'
  })
  const status = Object.assign(document.createElement('p'), { className: 'muted' })
  status.setAttribute('aria-live', 'polite')
  label.append(select)
  card.append(Object.assign(document.createElement('h2'), { textContent: 'Mock scenario' }), label, status)
  card.addEventListener('submit', (event) => event.preventDefault())
  grid.append(card)
}
