/** Behaviour every page shares: confirmations, busy buttons, flash messages. */

/** `data-confirm` forms ask first; `data-busy` forms show they are working and cannot be sent twice. */
export function enhanceForms(): void {
  document.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement
    if (form.dataset.confirm && !confirm(form.dataset.confirm)) {
      event.preventDefault()
      return
    }
    if (form.dataset.busy && !event.defaultPrevented) {
      const button = form.querySelector<HTMLButtonElement>('button[type=submit]')
      if (button) {
        button.disabled = true
        button.textContent = form.dataset.busy
      }
      form.classList.add('busy')
    }
  })
}

/** Drops `?flash=` from the address, so that reloading or going back does not repeat the message. */
export function settleFlash(): void {
  const url = new URL(location.href)
  if (!url.searchParams.has('flash')) return
  url.searchParams.delete('flash')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
}
