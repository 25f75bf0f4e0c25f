// The page script of every page: makes sure the worker runs, shows the network state, and wires
// up the page it is on (`<body data-page>`). Pages work without it, except the bootstrap page.
import './styles.css'
import { register, scenarioFromURL } from '../src/client/index.js'
import { editForm, quickAdd } from './client/notes.js'
import { exportPage } from './client/export.js'
import { explorerPage } from './client/explorer.js'
import { enhanceForms, settleFlash } from './client/forms.js'
import { settingsPage } from './client/settings.js'

declare global {
  interface Window {
    /** Resolves once the worker controls the page (the browser tests wait for it). */
    notesReady: Promise<void>
  }
}

const PAGES: Record<string, () => void | Promise<void>> = {
  home: quickAdd,
  edit: editForm,
  export: exportPage,
  explorer: explorerPage,
  settings: settingsPage,
}

/**
 * The network indicator: the app works either way, this says which way it is. `navigator.onLine`
 * false settles it; true only means the browser has a network interface (and Chromium's DevTools
 * offline switch reaches only the document it was turned on in), so a request the worker leaves
 * to the network asks the server itself. The last check to finish wins.
 */
let checks = 0
async function showNetwork(): Promise<void> {
  const indicator = document.querySelector<HTMLElement>('[data-net]')
  if (!indicator) return
  const check = ++checks
  const show = (online: boolean) => {
    if (check !== checks) return
    indicator.textContent = online ? 'Online' : 'Offline'
    indicator.title = online ? 'The server answers. The app would work without it too.' : 'The server cannot be reached: everything still works, answered by the service worker.'
    indicator.classList.toggle('offline', !online)
  }
  if (!navigator.onLine) return show(false)
  // The worker script is on every server of the demo, and no route of the app answers it.
  show(await fetch('/sw.js', { method: 'HEAD', cache: 'no-store' }).then(() => true, () => false))
}

/**
 * The first visit lands on the server's bootstrap page: once the worker controls the page,
 * reloading lets the worker answer the same URL (a deep link included).
 */
async function bootstrap(controlledAtLoad: boolean): Promise<void> {
  const status = document.querySelector('[data-bootstrap-status]')!
  try {
    await window.notesReady
  } catch (error) {
    status.textContent = (error as Error).message
    status.classList.add('form-error')
    return
  }
  if (!controlledAtLoad) {
    status.textContent = 'Ready. Opening your notes…'
    location.reload()
    return
  }
  status.replaceChildren('The app is installed. ', Object.assign(document.createElement('a'), { href: '/', textContent: 'Open your notes' }))
}

const controlledAtLoad = navigator.serviceWorker?.controller != null
// ?scenario=down (or slow) switches the worker's mock scenario; ?scenario= switches back.
window.notesReady = register('/sw.js').then(async () => void (await scenarioFromURL()))
window.addEventListener('online', () => void showNetwork())
window.addEventListener('offline', () => void showNetwork())
void showNetwork()
enhanceForms()
settleFlash()

const page = document.body.dataset.page ?? ''
if (page === 'bootstrap') void bootstrap(controlledAtLoad)
else {
  window.notesReady.catch((error) => console.warn(error))
  void PAGES[page]?.()
}
