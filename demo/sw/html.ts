/** HTML written with a tagged template whose interpolations are escaped unless already HTML. */

/** Markup that is already safe to insert as it is. */
export class SafeHTML {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for element content and quoted attribute values. */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c])
}

function render(value: unknown): string {
  if (value instanceof SafeHTML) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false) return ''
  return escapeHTML(String(value))
}

/** `html\`<p>${text}</p>\``: strings are escaped, SafeHTML and arrays of it are kept, null/false vanish. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHTML {
  let out = strings[0]
  values.forEach((value, i) => (out += render(value) + strings[i + 1]))
  return new SafeHTML(out)
}

/** Trusted markup from elsewhere (an inline SVG icon, say). */
export const raw = (markup: string) => new SafeHTML(markup)
