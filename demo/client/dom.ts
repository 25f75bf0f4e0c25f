/** Tiny DOM helpers for the page script: no framework, no innerHTML with data in it. */

type Child = Node | string | null | undefined | false

/** `el('p', { class: 'muted' }, 'text', other)`: an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  for (const child of children) if (child) element.append(child)
  return element
}

/** The first element matching `selector`, which the page must have. */
export function $<E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E {
  const found = root.querySelector<E>(selector)
  if (!found) throw new Error(`The page has no ${selector}`)
  return found
}

/** Shows an error message in a `[data-error]` element, or hides it when `message` is empty. */
export function showError(target: HTMLElement, message: string): void {
  target.textContent = message
  target.hidden = !message
}

/** `3.2 MB` */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / 1024 / 1024).toFixed(1)} MB`
}

/** Tags typed as "a, b, #c". */
export const splitTags = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean)
