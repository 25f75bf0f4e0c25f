// The notes demo (`npm run demo`), driven as a visitor would: first visit, notes with attachments,
// offline use, downloads, export, the explorer. `SCREENSHOTS=1 npx playwright test demo` refreshes the
// README's screenshots in docs/screenshots/; ordinary runs write them under test-results/ only, so
// that `npm test` leaves the checkout as it found it.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { test, expect, type Page } from '@playwright/test'

const screenshots = fileURLToPath(new URL(process.env.SCREENSHOTS ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url))
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: `${screenshots}${name}.png`, fullPage, animations: 'disabled' })

const DEMO = `http://127.0.0.1:${process.env.DEMO_PORT ?? 4181}` // the demo's webServer in playwright.config.ts
test.use({ baseURL: DEMO })
// Pages of other origins, from the test app's server (tests/browser/app/public/cross-site/): under
// another host name it is another site; on another port of 127.0.0.1 it is the same site.
const TEST_PORT = Number(process.env.TEST_PORT ?? 4179)
const CROSS_SITE = `http://localhost:${TEST_PORT}`
const SAME_SITE_OTHER_ORIGIN = `http://127.0.0.1:${TEST_PORT}`

/** Opens `path` on a first visit: the bootstrap page installs the worker and reloads into the app. */
async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path)
  await expect(page.locator('body')).not.toHaveAttribute('data-page', 'bootstrap', { timeout: 20_000 })
  await page.evaluate(() => window.notesReady)
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
}

/** A PNG drawn on a canvas in the page. */
async function makePNG(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 480, height: 300 })
    const g = canvas.getContext('2d')!
    const sky = g.createLinearGradient(0, 0, 0, 300)
    sky.addColorStop(0, '#4f46e5')
    sky.addColorStop(1, '#f59e0b')
    g.fillStyle = sky
    g.fillRect(0, 0, 480, 300)
    g.fillStyle = '#fde68a'
    g.beginPath()
    g.arc(240, 210, 60, 0, Math.PI * 2)
    g.fill()
    g.fillStyle = '#1e1b4b'
    g.fillRect(0, 230, 480, 70)
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'))
    const bytes = new Uint8Array(await blob.arrayBuffer())
    return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''))
  })
  return Buffer.from(base64, 'base64')
}

/** A three-second WebM recorded from an animated canvas with MediaRecorder. */
async function makeWebM(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 180 })
    const g = canvas.getContext('2d')!
    const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm' })
    const chunks: Blob[] = []
    recorder.ondataavailable = (event) => chunks.push(event.data)
    const stopped = new Promise((resolve) => (recorder.onstop = resolve))
    const started = performance.now()
    recorder.start(250)
    await new Promise<void>((resolve) => {
      const frame = () => {
        const t = (performance.now() - started) / 1000
        g.fillStyle = `hsl(${t * 120}, 70%, 50%)`
        g.fillRect(0, 0, 320, 180)
        g.fillStyle = '#fff'
        g.font = 'bold 48px sans-serif'
        g.fillText(`${t.toFixed(1)} s`, 90, 110)
        if (t < 3) requestAnimationFrame(frame)
        else resolve()
      }
      frame()
    })
    recorder.stop()
    await stopped
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer())
    return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''))
  })
  return Buffer.from(base64, 'base64')
}

/** Creates notes through the JSON API, from the page. */
async function apiCreate(page: Page, notes: { title: string; body?: string; tags?: string[]; pinned?: boolean }[]): Promise<string[]> {
  return page.evaluate(async (notes) => {
    const ids: string[] = []
    for (const note of notes) {
      const response = await fetch('/api/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(note) })
      ids.push(((await response.json()) as { id: string }).id)
    }
    return ids
  }, notes)
}

test.describe('the notes demo', () => {
  test('a note with an image and a video: create, view, seek, download, then offline', async ({ page, context }) => {
    test.setTimeout(90_000)
    // A deep link on the very first visit: the bootstrap page installs the worker, which answers it.
    await openApp(page, '/notes/new')
    await expect(page.getByRole('heading', { name: 'New note' })).toBeVisible()
    const png = await makePNG(page)
    const webm = await makeWebM(page)
    await apiCreate(page, [
      { title: 'Reading list', body: 'Designing Data-Intensive Applications\nThe Pragmatic Programmer', tags: ['books'] },
      { title: 'Groceries', body: 'Oat milk, coffee, lemons, basil', tags: ['home', 'todo'], pinned: true },
    ])

    // A classic multipart form POST, answered with 303 See Other and the new note.
    await page.getByLabel('Title').fill('Trip to the coast')
    await page.getByLabel('Text').fill('Sunset from the cliffs, and a clip of the waves.\n\nBring a jacket next time.')
    await page.getByLabel('Tags').fill('travel, photos')
    await page.getByLabel(/^Attachments/).setInputFiles([
      { name: 'sunset.png', mimeType: 'image/png', buffer: png },
      { name: 'waves.webm', mimeType: 'video/webm', buffer: webm },
    ])
    const posted = page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/notes')
    await page.getByRole('button', { name: 'Save note' }).click()
    expect((await posted).status()).toBe(303)
    await expect(page).toHaveURL(/\/notes\/[0-9a-f]{10}$/)
    await expect(page.locator('[data-flash]')).toHaveText('Note saved')
    await expect(page.getByRole('heading', { name: 'Trip to the coast' })).toBeVisible()
    const noteURL = page.url()

    // The image is shown inline, from IndexedDB.
    const image = page.locator('img[alt="sunset.png"]')
    await expect(image).toBeVisible()
    expect(await image.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(480)

    // The video plays from the worker, which answers Range requests with 206: it can seek.
    const seeked = await page.locator('video').evaluate(async (video: HTMLVideoElement) => {
      if (video.readyState < 1) await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }))
      const done = new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }))
      video.currentTime = 2
      await done
      const range = await fetch(video.src, { headers: { range: 'bytes=100-199' } })
      return {
        currentTime: video.currentTime,
        error: video.error?.message ?? null,
        range: [range.status, range.headers.get('content-range'), (await range.arrayBuffer()).byteLength],
      }
    })
    expect(seeked.error).toBeNull()
    expect(seeked.currentTime).toBeCloseTo(2, 0)
    expect(seeked.range).toEqual([206, `bytes 100-199/${webm.length}`, 100])
    await shot(page, 'note', true)

    // Downloads keep their own filename (FileResponse with `filename`).
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-attachment="sunset.png"]').getByRole('link', { name: 'Download' }).click()])
    expect(download.suggestedFilename()).toBe('sunset.png')
    expect((await readFile(await download.path())).equals(png)).toBe(true)

    // Links, back and forward, all answered by the worker.
    await page.getByRole('link', { name: '← All notes' }).click()
    await expect(page).toHaveURL(/\/$/)
    await expect(page.locator('.note-card')).toHaveCount(3)
    await expect(page.locator('.note-card').first()).toContainText('Groceries') // pinned first
    await shot(page, 'notes')
    await page.goBack()
    await expect(page.getByRole('heading', { name: 'Trip to the coast' })).toBeVisible()
    await page.goForward()
    await expect(page.locator('.note-card')).toHaveCount(3)

    // Offline: reloads, deep links and links keep working; the page says it is offline.
    await context.setOffline(true)
    await page.goto(noteURL)
    await expect(page.getByRole('heading', { name: 'Trip to the coast' })).toBeVisible()
    await expect(page.locator('[data-net]')).toHaveText('Offline')
    expect(await page.locator('img[alt="sunset.png"]').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(480)
    await page.reload()
    await expect(page.getByRole('heading', { name: 'Trip to the coast' })).toBeVisible()
    // The stylesheet came from the precache, not the network.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.topbar')!).position)).toBe('sticky')
    await page.locator('video').evaluate((video: HTMLVideoElement) => video.readyState >= 2 || new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true })))
    await shot(page, 'offline')
    await page.getByRole('link', { name: '#travel' }).click()
    await expect(page.locator('.note-card')).toHaveCount(1)
    await page.getByRole('link', { name: 'Settings' }).click()
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
    await page.goBack()
    await expect(page.locator('#search')).toHaveValue('#travel')

    // A second tab, still offline, needs no network at all.
    const second = await context.newPage()
    await second.goto('/explorer')
    await expect(second.getByRole('heading', { name: 'Explorer' })).toBeVisible()
    await context.setOffline(false)
  })

  test('the JSON API refuses bad input with a 400 the UI shows, and saves nothing', async ({ page }) => {
    await openApp(page)
    // The quick-add form talks to POST /api/notes.
    await page.getByRole('button', { name: 'Add note' }).click()
    await expect(page.locator('[data-quick-add] [data-error]')).toHaveText('"title" must not be empty')
    await expect(page.locator('#quick-title')).toHaveAttribute('aria-invalid', 'true')
    await page.locator('#quick-title').fill('Call the plumber')
    await page.locator('#quick-tags').fill('home, urgent')
    await page.getByRole('button', { name: 'Add note' }).click()
    await expect(page.locator('.note-card')).toHaveCount(1)
    await expect(page.locator('[data-quick-add] [data-error]')).toBeHidden()
    await expect(page.locator('[data-count]')).toContainText('1 note,')

    const answers = await page.evaluate(async () => {
      const send = async (body: string, type = 'application/json', url = '/api/notes', method = 'POST') => {
        const response = await fetch(url, { method, headers: { 'content-type': type }, body })
        return { status: response.status, type: response.headers.get('content-type'), body: await response.json() }
      }
      return {
        malformed: await send('{"title": '),
        missing: await send('{"body": "no title"}'),
        wrongType: await send('{"title": "ok", "tags": "not-a-list"}'),
        unknownField: await send('{"title": "ok", "colour": "red"}'),
        notObject: await send('[1, 2]'),
        notJSON: await send('title=x', 'application/x-www-form-urlencoded'),
        bulkOneBad: await send(JSON.stringify({ notes: [{ title: 'fine' }, { title: 7 }] }), 'application/json', '/api/notes/bulk'),
        list: await (await fetch('/api/notes')).json(),
      }
    })
    expect(answers.malformed.status).toBe(400)
    expect(answers.malformed.type).toBe('application/json')
    expect(answers.malformed.body.error).toMatch(/^Malformed JSON/)
    expect(answers.missing).toMatchObject({ status: 400, body: { error: '"title" is required', field: 'title' } })
    expect(answers.wrongType).toMatchObject({ status: 400, body: { field: 'tags' } })
    expect(answers.unknownField).toMatchObject({ status: 400, body: { field: 'colour' } })
    expect(answers.notObject.status).toBe(400)
    expect(answers.notJSON.status).toBe(415)
    expect(answers.bulkOneBad).toMatchObject({ status: 400, body: { error: 'notes[1]: "title" must be a string, not a number' } })
    // Nothing half-saved: only the note from the quick-add form exists.
    expect(answers.list.count).toBe(1)

    // Attachments through the API (multipart), then downloaded from the note page under their own name.
    const id: string = answers.list.notes[0].id
    // A multipart body is what a form of another site can send too: the upload needs the page's CSRF token.
    const uploaded = await page.evaluate(async (id) => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? ''
      const upload = (body: FormData, headers: Record<string, string> = { 'x-csrf-token': token }) => fetch(`/api/notes/${id}/attachments`, { method: 'POST', body, headers })
      const form = new FormData()
      form.append('files', new File(['item,qty\nlemons,3\n'], 'shopping list.csv', { type: 'text/csv' }))
      const noToken = await upload(form, {})
      const wrongToken = await upload(form, { 'x-csrf-token': 'f'.repeat(32) })
      const response = await upload(form)
      const empty = await upload(new FormData())
      return {
        refused: [noToken.status, (await noToken.json()).error, wrongToken.status],
        status: response.status,
        body: await response.json(),
        empty: [empty.status, (await empty.json()).field],
      }
    }, id)
    expect(uploaded).toMatchObject({ status: 201, body: { attachments: [{ filename: 'shopping list.csv', mediaType: 'text/csv', size: 18 }] }, empty: [400, 'files'] })
    expect(uploaded.refused).toEqual([403, expect.stringContaining('CSRF token'), 403])
    await page.locator('.note-card a').click()
    await expect(page.locator('.attachment .file-icon')).toHaveText('CSV')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).click()])
    expect(download.suggestedFilename()).toBe('shopping list.csv')
    expect(await readFile(await download.path(), 'utf8')).toBe('item,qty\nlemons,3\n')
    page.once('dialog', (dialog) => dialog.accept())
    await page.getByRole('button', { name: 'Remove' }).click()
    await expect(page.locator('[data-flash]')).toHaveText('Attachment removed')
    await expect(page.locator('.attachment')).toHaveCount(0)

    // Edit through PATCH: a 400 is shown in the form, a success goes back to the note.
    await page.getByRole('link', { name: 'Edit' }).click()
    await page.getByLabel('Title').fill('   ')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.locator('[data-error]')).toHaveText('"title" must not be empty')
    await page.getByLabel('Title').fill('Call the plumber today')
    await page.getByLabel('Pin to the top').check()
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.getByRole('heading', { name: 'Call the plumber today' })).toBeVisible()
    await expect(page.locator('[data-flash]')).toHaveText('Changes saved')

    // Delete (a form POST, 303 back to the list).
    page.once('dialog', (dialog) => dialog.accept())
    await page.getByRole('button', { name: 'Delete' }).click()
    await expect(page.locator('[data-flash]')).toContainText('Deleted')
    await expect(page.locator('.note-card')).toHaveCount(0)
  })

  test('export streams every note as NDJSON and CSV with progress; the bulk endpoint answers UJSON', async ({ page }) => {
    await openApp(page, '/export')
    await page.locator('[data-bulk-count]').fill('150')
    const bulk = page.waitForResponse('**/api/notes/bulk')
    await page.getByRole('button', { name: 'Create sample notes' }).click()
    const bulkResponse = await bulk
    expect(bulkResponse.status()).toBe(201)
    expect(await bulkResponse.text()).toMatch(/^\{"created":150,"ids":\[/)
    await expect(page.locator('[data-bulk-result]')).toHaveText('Created 150 notes in one transaction.')

    const [ndjson] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /as NDJSON/ }).click()])
    expect(ndjson.suggestedFilename()).toMatch(/^notes-\d{4}-\d\d-\d\d\.ndjson$/)
    const lines = (await readFile(await ndjson.path(), 'utf8')).trim().split('\n')
    expect(lines).toHaveLength(150)
    expect(JSON.parse(lines[0])).toMatchObject({ title: expect.stringMatching(/#\d+$/), tags: [expect.any(String)] })
    await expect(page.locator('[data-progress-label]')).toHaveText('Exported 150 notes as NDJSON')
    await expect(page.locator('[data-progress-detail]')).toContainText('150 of 150 notes')
    await shot(page, 'export')

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /as CSV/ }).click()])
    expect(csv.suggestedFilename()).toMatch(/\.csv$/)
    const text = await readFile(await csv.path(), 'utf8')
    expect(text.startsWith('"id","title","body","tags","pinned","created","updated","attachments"\r\n')).toBe(true)
    expect(text).toContain('""hello""') // quotes doubled
    await expect(page.locator('[data-progress-detail]')).toContainText('150 of 150 notes')

    // The stream arrives in pieces: the export is not one buffered body.
    const pieces = await page.evaluate(async () => {
      const reader = (await fetch('/api/export?format=ndjson')).body!.getReader()
      let count = 0
      while (!(await reader.read()).done) count++
      return count
    })
    expect(pieces).toBeGreaterThan(1)
  })

  test('theme cookie for the page, HttpOnly session cookie for the worker only; health as plain text', async ({ page }) => {
    await openApp(page, '/settings')
    await expect(page.locator('[data-worker-cookie]')).toContainText('sid=')
    await expect(page.locator('[data-document-cookie]')).not.toContainText('sid=')
    expect(await page.evaluate(() => document.cookie)).not.toContain('sid=')

    await page.getByRole('radio', { name: 'Dark' }).check()
    await page.getByRole('button', { name: 'Save theme' }).click()
    await expect(page.locator('[data-flash]')).toHaveText('Theme saved')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await page.evaluate(() => document.cookie)).toContain('theme=dark')
    await expect(page.locator('[data-document-cookie]')).toContainText('theme=dark')

    // The theme follows every page the worker renders, and the header button switches it back.
    await page.locator('.nav').getByRole('link', { name: 'Notes' }).click()
    await apiCreate(page, [
      { title: 'Night owl', body: 'The dark theme is a cookie the worker reads.', tags: ['settings'] },
      { title: 'Sleep schedule', body: 'Lights out at eleven.', pinned: true },
    ])
    await page.reload()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    await shot(page, 'dark')
    await page.getByRole('button', { name: 'Switch to the light theme' }).click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
    await expect(page).toHaveURL(/\/$/)

    const health = await page.evaluate(async () => {
      const response = await fetch('/health')
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
    })
    expect(health).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8' })
    expect(health.text).toMatch(/^ok\n/)
    expect(health.text).toContain('notes: 2')
  })

  test('the explorer shows the ASGI messages beside the Fetch response', async ({ page }) => {
    await page.setViewportSize({ width: 1400, height: 1000 })
    await openApp(page, '/explorer')
    const asgi = page.locator('[data-asgi]')
    const fetched = page.locator('[data-fetch]')

    await page.getByLabel('Status code').fill('201')
    await page.getByLabel(/^Headers/).fill('x-powered-by: swasgi')
    await expect(page.locator('[data-code]')).toContainText(`new JSONResponse({"message": "Hello from the worker", "path": "/notes/1"}, { statusCode: 201, headers: { 'x-powered-by': 'swasgi' } })`)
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(asgi.locator('.message')).toHaveCount(2)
    await expect(asgi.locator('.message').first()).toContainText('http.response.start')
    await expect(asgi.locator('.message').first()).toContainText('status: 201')
    await expect(asgi.locator('.message').first()).toContainText('content-type')
    await expect(asgi.locator('.message').nth(1)).toContainText('more_body: not sent (false)')
    await expect(fetched).toContainText('201')
    await expect(fetched).toContainText('x-powered-by')
    await expect(fetched).toContainText('{"message":"Hello from the worker","path":"/notes/1"}')
    await shot(page, 'explorer', true)

    // A StreamingResponse: one body message per chunk, then the closing empty one.
    await page.getByLabel('Response class').selectOption('StreamingResponse')
    await page.getByLabel(/^Delay/).fill('100')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(asgi.locator('.message')).toHaveCount(5)
    await expect(fetched.locator('.arrivals li')).not.toHaveCount(0)

    // A RedirectResponse: the app sent a 307 with a location, fetch(redirect: 'manual') sees an opaque redirect.
    await page.getByLabel('Status code').fill('')
    await page.getByLabel('Response class').selectOption('RedirectResponse')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(asgi.locator('.message').first()).toContainText('status: 307')
    await expect(asgi.locator('.message').first()).toContainText('/explorer?from=redirect')
    await expect(fetched).toContainText('opaqueredirect')

    // A FileResponse of a precached asset, with a Range request: 206 on both sides.
    await page.getByLabel('Response class').selectOption('FileResponse')
    await page.getByLabel('Stored file').fill('cache://notes-assets/favicon.svg')
    await page.getByLabel(/Range/).fill('bytes=0-9')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(asgi.locator('.message').first()).toContainText('status: 206')
    await expect(fetched.locator('.facts')).toContainText('206')
    await expect(fetched).toContainText('<svg xmlns')

    // Bad arguments are a 400 from the app's exception handler, shown as such.
    await page.getByLabel('Response class').selectOption('JSONResponse')
    await page.getByLabel('Content').fill('{oops')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(fetched).toContainText('400')
    await expect(fetched).toContainText('The content must be JSON')

    // The same spec opens in a tab of its own: a navigation the worker answers with the response itself.
    await page.getByLabel('Response class').selectOption('HTMLResponse')
    await page.getByLabel('Content').fill('<h1 id="made">Made in the explorer</h1><script>document.title = "script ran"</script>')
    const [tab] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'Open in a new tab' }).click()])
    await expect(tab.locator('#made')).toHaveText('Made in the explorer')
    // It is shown sandboxed: any site can link to such a URL, so its scripts must not run in the app's origin.
    expect(await tab.title()).not.toBe('script ran')
  })

  test("the explorer's own Send and new tab may set cookies and headers; a link from anywhere may not (nor send the visitor off the app)", async ({ page, context }) => {
    await page.setViewportSize({ width: 1400, height: 1000 })
    await openApp(page, '/explorer')
    const workerCookie = () => page.evaluate(async () => ((await (await fetch('/api/session')).json()) as { cookie: string }).cookie)
    const before = await workerCookie()
    expect(before).toMatch(/sid=/)

    // The explorer's Send: a cookie and a header, through the page's token.
    await page.getByLabel('Response class').selectOption('PlainTextResponse')
    await page.getByLabel(/^Headers/).fill('x-made-by: explorer')
    await page.getByLabel('Name', { exact: true }).fill('flavour')
    await page.getByLabel('Value', { exact: true }).fill('oatmeal')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(page.locator('[data-fetch] .facts')).toContainText('200')
    await expect(page.locator('[data-fetch]')).toContainText('x-made-by')
    expect(await workerCookie()).toContain('flavour=oatmeal')
    // "Open in a new tab" with the same spec: a POST of the token, so it is shown too.
    const [tab] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'Open in a new tab' }).click()])
    await expect(tab.locator('body')).toContainText('Hello, world!')
    await tab.close()

    // Links from another site: a cookie (session fixation), a header, a redirect off the app.
    const link = (spec: object) => `${DEMO}/explorer/run?spec=${encodeURIComponent(JSON.stringify({ responseClass: 'PlainTextResponse', content: 'x', ...spec }))}`
    const attempts = [
      [{ cookieName: 'sid', cookieValue: 'FIXED', cookieHttpOnly: true }, 'set a cookie'],
      [{ headers: 'clear-site-data: "storage"' }, 'set headers'],
      [{ responseClass: 'RedirectResponse', content: '//evil.example/login' }, 'redirect to another origin'],
    ] as const
    for (const [spec, what] of attempts) {
      await page.goto(`${CROSS_SITE}/cross-site/link.html?to=${encodeURIComponent(link(spec))}`)
      await page.getByRole('link', { name: 'go' }).click()
      await expect(page).toHaveURL(/\/explorer\/run/)
      await expect(page.locator('body')).toContainText(`A link can only show a response: to ${what}`)
    }
    expect(await workerCookie(), 'the session was not replaced').toContain(before.match(/sid=[^;]+/)![0])
    // A link that only shows a response still works.
    await page.goto(`${CROSS_SITE}/cross-site/link.html?to=${encodeURIComponent(link({ responseClass: 'RedirectResponse', content: '/explorer?from=link' }))}`)
    await page.getByRole('link', { name: 'go' }).click()
    await expect(page).toHaveURL(`${DEMO}/explorer?from=link`)
  })

  test('a form another site submits is refused with 403 and saves nothing; so is one without the token', async ({ page }) => {
    await openApp(page)
    // The attack: another site's page auto-submits a multipart form with an HTML file to POST /notes.
    // The worker's jar sends it no SameSite cookie, so the CSRF cookie is missing.
    for (const site of [CROSS_SITE, SAME_SITE_OTHER_ORIGIN]) {
      const posted = page.waitForResponse((response) => response.request().method() === 'POST' && response.url() === `${DEMO}/notes`)
      await page.goto(`${site}/cross-site/upload.html?to=${DEMO}/notes`)
      // From the same site (another port) the cookie comes along, but the form has no token.
      expect((await posted).status(), site).toBe(403)
      await expect(page.locator('.status-code')).toHaveText('403')
      await expect(page.locator('.error-state')).toContainText('CSRF token')
    }
    expect(await page.evaluate(async () => (await (await fetch('/api/notes')).json()).count)).toBe(0)

    // The app's own form still works.
    await page.goto('/notes/new')
    await page.getByLabel('Title').fill('Written here')
    await page.getByRole('button', { name: 'Save note' }).click()
    await expect(page.locator('[data-flash]')).toHaveText('Note saved')
  })

  test('an HTML attachment is served as a download with nosniff, never as a page of the app', async ({ page, context }) => {
    await openApp(page)
    const [id] = await apiCreate(page, [{ title: 'Files' }])
    await page.goto(`/notes/${id}`)
    await page.locator('#more-files').setInputFiles([
      { name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<script>document.title = "script ran"</script><h1>Not the app</h1>') },
      { name: 'readme.txt', mimeType: 'text/plain', buffer: Buffer.from('plain text') },
    ])
    await page.getByRole('button', { name: 'Upload' }).click()
    await expect(page.locator('[data-flash]')).toHaveText('Added 2 files')
    const { attachments } = await page.evaluate(async (id) => (await fetch(`/api/notes/${id}`)).json(), id)
    const [html, text] = (attachments as { id: string; mediaType: string }[]).map((a) => `/files/${id}/${a.id}`)
    // What was stored is text/html: the serving side alone must make it harmless.
    expect(attachments[0].mediaType).toBe('text/html')

    const headers = (src: string) =>
      page.evaluate(async (src) => {
        const response = await fetch(src)
        return [response.headers.get('content-disposition'), response.headers.get('x-content-type-options')]
      }, src)
    expect(await headers(html)).toEqual(['attachment; filename="page.html"', 'nosniff'])
    expect(await headers(text)).toEqual(['inline; filename="readme.txt"', 'nosniff']) // passive: shown
    // Opened as a page (the note's file link, or any site linking to it): the browser downloads it.
    const tab = await context.newPage()
    const [download] = await Promise.all([tab.waitForEvent('download', { timeout: 5000 }), tab.goto(html).catch(() => null)])
    expect(download.suggestedFilename()).toBe('page.html')
    expect(await tab.title()).not.toBe('script ran')
  })

  test('reads well on a phone', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: DEMO, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
    const page = await context.newPage()
    await openApp(page)
    await apiCreate(page, [
      { title: 'Packing list', body: 'Passport, charger, sunscreen', tags: ['travel'] },
      { title: 'Ideas', body: 'A notes app whose backend runs in a service worker.', tags: ['ideas'], pinned: true },
      { title: 'Books to lend', body: 'Dune → Sam' },
    ])
    await page.reload()
    await expect(page.locator('.note-card')).toHaveCount(3)
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await shot(page, 'mobile')
    await context.close()
  })
})

test('settings switch the backend to the "down" scenario until switched back; ?scenario= does it too', async ({ page }) => {
  await openApp(page, '/settings')
  const status = () => page.evaluate(async () => (await fetch('/api/notes')).status)
  expect(await status()).toBe(200)
  await page.getByLabel('Backend scenario').selectOption('down')
  await expect(page.locator('[data-scenarios] p')).toContainText('"down"')
  expect(await status()).toBe(503)
  await page.reload()
  await expect(page.getByLabel('Backend scenario')).toHaveValue('down')
  expect(await status()).toBe(503)
  await openApp(page, '/?scenario=')
  expect(await status()).toBe(200)
  await openApp(page, '/?scenario=slow')
  const took = await page.evaluate(async () => {
    const started = performance.now()
    await (await fetch('/api/notes')).text()
    return performance.now() - started
  })
  expect(took).toBeGreaterThanOrEqual(1400)
})
