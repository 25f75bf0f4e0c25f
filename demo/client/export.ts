/** The export page: reads the streamed export chunk by chunk to show progress, then saves it. */
import { apiError, request, sendJSON } from './api.js'
import { $, formatBytes } from './dom.js'

/** Counts the records that chunks complete: NDJSON lines, or CSV rows (newlines inside quotes don't end one). */
function recordCounter(format: string): (text: string) => number {
  let quoted = false
  return (text) => {
    let records = 0
    for (const char of text) {
      if (format === 'csv' && char === '"') quoted = !quoted
      else if (char === '\n' && !quoted) records++
    }
    return records
  }
}

/** The filename of a `content-disposition: attachment; filename="…"` header. */
const filenameOf = (disposition: string | null, fallback: string) => /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback

function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = Object.assign(document.createElement('a'), { href: url, download: filename })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

async function exportNotes(format: string, buttons: HTMLButtonElement[]): Promise<void> {
  const card = $('[data-progress-card]')
  const bar = $<HTMLProgressElement>('[data-progress]')
  const label = $('[data-progress-label]')
  const detail = $('[data-progress-detail]')
  card.hidden = false
  card.classList.remove('failed', 'done')
  buttons.forEach((button) => (button.disabled = true))
  label.textContent = `Exporting as ${format.toUpperCase()}…`
  try {
    const response = await request(`/api/export?format=${format}`)
    if (!response.ok || !response.body) throw await apiError(response)
    const total = Number(response.headers.get('x-total-count'))
    // CSV starts with its header row, which is not a note.
    let records = format === 'csv' ? -1 : 0
    let bytes = 0
    const chunks: Uint8Array[] = []
    const count = recordCounter(format)
    const decoder = new TextDecoder()
    bar.max = Math.max(total, 1)
    const reader = response.body.getReader()
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value)
      bytes += next.value.byteLength
      records += count(decoder.decode(next.value, { stream: true }))
      bar.value = Math.max(records, 0)
      detail.textContent = `${Math.max(records, 0)} of ${total} notes · ${formatBytes(bytes)}`
    }
    const type = response.headers.get('content-type') ?? 'application/octet-stream'
    save(new Blob(chunks as BlobPart[], { type }), filenameOf(response.headers.get('content-disposition'), `notes.${format}`))
    bar.value = bar.max
    label.textContent = `Exported ${total} notes as ${format.toUpperCase()}`
    card.classList.add('done')
  } catch (error) {
    label.textContent = `Export failed: ${(error as Error).message}`
    card.classList.add('failed')
  } finally {
    buttons.forEach((button) => (button.disabled = false))
  }
}

const TOPICS = ['Groceries', 'Reading list', 'Trip ideas', 'Meeting notes', 'Recipe', 'Workout', 'Gift ideas', 'Project plan', 'Quotes', 'Bug report']
const TAGS = ['home', 'work', 'ideas', 'todo', 'travel', 'food']

/** Sample notes for the bulk endpoint. */
function samples(count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    title: `${TOPICS[i % TOPICS.length]} #${i + 1}`,
    body: `Sample note ${i + 1}, created in bulk.\nIt says "hello", with a comma, and a second line.`,
    tags: [TAGS[i % TAGS.length]],
  }))
}

/** Wires up the export buttons and the bulk form. */
export function exportPage(): void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('[data-export]')]
  for (const button of buttons) button.addEventListener('click', () => void exportNotes(button.dataset.export!, buttons))
  const bulk = $<HTMLButtonElement>('[data-bulk]')
  const result = $('[data-bulk-result]')
  bulk.addEventListener('click', async () => {
    const count = Number($<HTMLInputElement>('[data-bulk-count]').value)
    bulk.disabled = true
    result.textContent = 'Creating…'
    try {
      const answer = await sendJSON<{ created: number; ids: string[] }>('/api/notes/bulk', 'POST', { notes: samples(count) })
      result.textContent = `Created ${answer.created} notes in one transaction.`
      for (const button of buttons) {
        const total = Number(/\d+/.exec(button.textContent ?? '')?.[0] ?? 0) + answer.created
        button.textContent = button.textContent!.replace(/\d+/, String(total))
      }
    } catch (error) {
      result.textContent = `Nothing was created: ${(error as Error).message}`
    } finally {
      bulk.disabled = false
    }
  })
}
