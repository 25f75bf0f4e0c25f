// The notes demo (demo/, `npm run demo`) in every engine, through its real worker: the first visit
// installs it, a note with attachments is made with the classic multipart form, its files are
// served (Range included), it all survives going offline, and the theme and session cookies behave.
// The same steps as the Chromium tour in tests/browser/demo.spec.ts, through the driver interface;
// and a form another site submits is refused (CSRF).
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from './driver.js'
import { engines, PORT, RestartableServer, useEngine, waitForPage } from './harness.js'
// @ts-expect-error a plain .mjs module, also `npm run demo`
import { buildDemo, demoOutDir, serveDemo } from '../../../scripts/demo.mjs'
// @ts-expect-error a plain .mjs module, also Playwright's webServer
import { listen } from '../server.mjs'

/** The demo's port in this suite (the app has PORT, WebKitWebDriver PORT+2). */
const DEMO_PORT = PORT + 4
const DEMO = `http://127.0.0.1:${DEMO_PORT}`
/** Another site (another host name): the test app's server, for its cross-site/ pages. */
const CROSS_SITE = `http://localhost:${PORT + 1}`
/** The same site on another port (cookies do not tell ports apart): the same server under 127.0.0.1. */
const SAME_SITE_OTHER_ORIGIN = `http://127.0.0.1:${PORT + 1}`

// Built once per run (on the first start), served by `vite preview` as `npm run demo` does.
let built: Promise<unknown> | undefined
const demoServer = new RestartableServer(async () => {
  const outDir = demoOutDir(DEMO_PORT)
  built ??= buildDemo(outDir)
  await built
  return serveDemo(DEMO_PORT, outDir)
})

let otherSite: Server | undefined
beforeAll(async () => {
  otherSite = (await listen(PORT + 1)) as Server
})
afterAll(async () => {
  otherSite?.closeAllConnections()
  await new Promise((resolve) => otherSite?.close(resolve) ?? resolve(undefined))
})

declare global {
  interface Window {
    /** Set on a document that submit() is leaving. */
    submitted?: true
  }
}

/** Waits until the page that submit() navigated to has loaded `path`. */
function waitForPath(page: Page, path: RegExp): Promise<string> {
  return waitForPage(
    page,
    (source: string) => (!window.submitted && document.readyState === 'complete' && new RegExp(source).test(location.pathname) ? location.pathname : null),
    { arg: path.source },
  )
}

/**
 * Opens `path` on a first visit: the server's bootstrap page installs the worker and reloads, and
 * the worker renders `page` (the `<body data-page>` of the app's page).
 */
async function openDemo(page: Page, path: string, expected: string): Promise<void> {
  await page.goto(DEMO + path)
  const shown = await waitForPage(
    page,
    () => (document.readyState === 'complete' && document.body.dataset.page !== 'bootstrap' ? [document.body.dataset.page, (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type] : null),
    { timeout: 20_000 },
  )
  expect(shown, 'the bootstrap page reloaded into the page the worker renders').toEqual([expected, 'reload'])
  await page.evaluate(() => window.notesReady)
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker controls the page').toBe(true)
}

/**
 * Submits the form matching `selector` the way a click would: a real navigation (requestSubmit).
 * The old document is marked, so that waiting for the next one cannot be fooled by it.
 */
async function submit(page: Page, selector: string): Promise<void> {
  await page.evaluate((selector) => {
    window.submitted = true
    // Later, so that this evaluate returns before the page goes away.
    setTimeout(() => document.querySelector<HTMLFormElement>(selector)!.requestSubmit())
  }, selector)
}

const base64 = (text: string) => Buffer.from(text, 'base64')

/** An attachment as the worker serves it: status, headers and bytes (base64), optionally a range. */
function fetchFile(page: Page, src: string, range?: string) {
  return page.evaluate(
    async ({ src, range }) => {
      const response = await fetch(src, range ? { headers: { range } } : {})
      const bytes = new Uint8Array(await response.arrayBuffer())
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        length: response.headers.get('content-length'),
        contentRange: response.headers.get('content-range'),
        body: btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join('')),
      }
    },
    { src, range },
  )
}

const TITLE = 'Trip to the coast'

describe.each(engines)('%s', (engine) => {
  const browser = useEngine(engine, demoServer)

  test('a note with an image and a sound, made with the multipart form, is served, and still there offline', { timeout: 60_000 }, async () => {
    const page = await browser.newPage()
    // A deep link on the very first visit.
    await openDemo(page, '/notes/new', 'new')

    // The files are made in the page: a PNG drawn on a canvas, and a WAV of a half-second tone.
    const made = await page.evaluate(async (title) => {
      const canvas = Object.assign(document.createElement('canvas'), { width: 48, height: 32 })
      const g = canvas.getContext('2d')!
      g.fillStyle = '#4f46e5'
      g.fillRect(0, 0, 48, 32)
      g.fillStyle = '#f59e0b'
      g.fillRect(8, 8, 16, 16)
      const png = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'))
      const rate = 8000
      const samples = rate / 2
      const wav = new DataView(new ArrayBuffer(44 + samples * 2))
      const ascii = (at: number, text: string) => [...text].forEach((c, i) => wav.setUint8(at + i, c.charCodeAt(0)))
      ascii(0, 'RIFF')
      wav.setUint32(4, 36 + samples * 2, true)
      ascii(8, 'WAVEfmt ')
      wav.setUint32(16, 16, true) // fmt chunk size
      wav.setUint16(20, 1, true) // PCM
      wav.setUint16(22, 1, true) // mono
      wav.setUint32(24, rate, true)
      wav.setUint32(28, rate * 2, true) // bytes per second
      wav.setUint16(32, 2, true) // block align
      wav.setUint16(34, 16, true) // bits per sample
      ascii(36, 'data')
      wav.setUint32(40, samples * 2, true)
      for (let i = 0; i < samples; i++) wav.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), true)

      const form = document.querySelector<HTMLFormElement>('form[action="/notes"]')!
      ;(form.elements.namedItem('title') as HTMLInputElement).value = title
      ;(form.elements.namedItem('body') as HTMLTextAreaElement).value = 'Sunset from the cliffs, and the sound of the waves.'
      const files = new DataTransfer()
      files.items.add(new File([png], 'sunset.png', { type: 'image/png' }))
      files.items.add(new File([wav.buffer], 'waves.wav', { type: 'audio/wav' }))
      ;(form.elements.namedItem('files') as HTMLInputElement).files = files.files
      const encode = async (blob: Blob) => btoa(Array.from(new Uint8Array(await blob.arrayBuffer()), (b) => String.fromCharCode(b)).join(''))
      return { png: await encode(png), wav: await encode(new Blob([wav.buffer])), attached: form.querySelector<HTMLInputElement>('#files')!.files!.length }
    }, TITLE)
    expect(made.attached, 'the file input holds both files').toBe(2)
    const png = base64(made.png)
    const wav = base64(made.wav)

    // The real submit: a POST that the worker answers with 303 See Other to the new note. The page
    // was loaded from the redirect's location (the page script then drops `?flash`), with a GET: a
    // 307 would have re-POSTed to the note, which has no POST route.
    await submit(page, 'form[action="/notes"]')
    const notePath = await waitForPath(page, /^\/notes\/[0-9a-f]{10}$/)
    expect(await page.evaluate(() => performance.getEntriesByType('navigation')[0].name)).toBe(`${DEMO}${notePath}?flash=Note%20saved`)
    expect(await page.evaluate(() => [document.querySelector('h1')?.textContent, document.querySelector('[data-flash]')?.textContent])).toEqual([TITLE, 'Note saved'])

    async function checkAttachments() {
      const shown = await page.evaluate(async () => {
        const img = document.querySelector<HTMLImageElement>('img[alt="sunset.png"]')!
        await img.decode()
        const audio = document.querySelector<HTMLAudioElement>('[data-attachment="waves.wav"] audio')!
        if (audio.readyState < 1) {
          await new Promise((resolve, reject) => {
            audio.addEventListener('loadedmetadata', resolve, { once: true })
            audio.addEventListener('error', () => reject(new Error(`the audio did not load: ${audio.error?.message}`)), { once: true })
          })
        }
        return { image: [img.naturalWidth, img.naturalHeight], duration: audio.duration, imageSrc: img.getAttribute('src')!, audioSrc: audio.getAttribute('src')! }
      })
      expect(shown.image, 'the image decodes').toEqual([48, 32])
      expect(shown.duration, 'the player reads the sound from the worker').toBe(0.5)
      const image = await fetchFile(page, shown.imageSrc)
      expect([image.status, image.type, image.length]).toEqual([200, 'image/png', String(png.length)])
      expect(base64(image.body).equals(png), 'the image has the bytes that were attached').toBe(true)
      const sound = await fetchFile(page, shown.audioSrc)
      expect([sound.status, sound.type, sound.length]).toEqual([200, 'audio/wav', String(wav.length)])
      expect(base64(sound.body).equals(wav), 'the sound has the bytes that were attached').toBe(true)
      const part = await fetchFile(page, shown.audioSrc, 'bytes=100-199')
      expect([part.status, part.contentRange, part.length]).toEqual([206, `bytes 100-199/${wav.length}`, '100'])
      expect(base64(part.body).equals(wav.subarray(100, 200)), 'the range has the bytes asked for').toBe(true)
    }
    await checkAttachments()

    await browser.goOffline(page)
    // Not answered by the worker: only the network could, and it is gone.
    expect(await page.evaluate(() => fetch('/not-a-route.txt', { cache: 'no-store' }).then((r) => `answered ${r.status}`, () => 'network error'))).toBe('network error')
    await page.reload()
    expect(await waitForPath(page, /^\/notes\/[0-9a-f]{10}$/)).toBe(notePath)
    expect(await page.evaluate(() => document.querySelector('h1')?.textContent)).toBe(TITLE)
    await checkAttachments()
    // The stylesheet came from the precache.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.topbar')!).position)).toBe('sticky')
    // The badge asks the server, so it is right whichever way the network went (a stopped server
    // leaves navigator.onLine true, and so does Chromium's offline switch after a navigation).
    expect(await waitForPage(page, () => (document.querySelector('[data-net]')?.textContent === 'Offline' ? 'Offline' : null)), 'the badge says Offline').toBe('Offline')
  })

  test('a multipart form another site submits (an HTML file in it) is refused with 403, and no note is made', { timeout: 60_000 }, async () => {
    const page = await browser.newPage()
    await openDemo(page, '/', 'home')
    // The form arrives without the app's SameSite cookies, so without the CSRF cookie.
    await page.goto(`${CROSS_SITE}/cross-site/upload.html?to=${DEMO}/notes`)
    const shown = await waitForPage(page, (url) => (location.href === url && document.readyState === 'complete' ? (document.querySelector('.status-code')?.textContent ?? '') : null), { arg: `${DEMO}/notes` }).catch(async (error: Error) => {
      throw new Error(`${error.message}; the page is at ${await page.evaluate(() => location.href).catch(() => '?')}`)
    })
    expect(shown, 'the app answered 403').toBe('403')
    expect(await page.evaluate(async () => ((await (await fetch('/api/notes')).json()) as { count: number }).count), 'no note was made').toBe(0)
  })

  test('a CSRF token that a page of the same site planted as a cookie before the first visit is not taken: its form is refused', { timeout: 60_000 }, async () => {
    const page = await browser.newPage()
    const planted = 'a'.repeat(32)
    await page.goto(`${SAME_SITE_OTHER_ORIGIN}/network/plant`)
    await page.evaluate((token) => void (document.cookie = `csrftoken=${token}; path=/`), planted)
    await openDemo(page, '/', 'home')
    expect(await page.evaluate(() => document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content), 'the page got a token of its own').not.toBe(planted)
    await page.goto(`${SAME_SITE_OTHER_ORIGIN}/cross-site/upload.html?to=${DEMO}/notes&token=${planted}`)
    const shown = await waitForPage(page, (url) => (location.href === url && document.readyState === 'complete' ? (document.querySelector('.status-code')?.textContent ?? '') : null), { arg: `${DEMO}/notes` })
    expect(shown, 'the app answered 403').toBe('403')
    expect(await page.evaluate(async () => ((await (await fetch('/api/notes')).json()) as { count: number }).count), 'no note was made').toBe(0)

    // Nor can a link from another site make the explorer set the token (or any cookie).
    const spec = { responseClass: 'PlainTextResponse', content: 'x', cookieName: 'csrftoken', cookieValue: planted, cookieHttpOnly: true }
    await page.goto(`${CROSS_SITE}/cross-site/link.html?to=${encodeURIComponent(`${DEMO}/explorer/run?spec=${encodeURIComponent(JSON.stringify(spec))}`)}`)
    await page.evaluate(() => setTimeout(() => document.getElementById('go')!.click()))
    const refused = await waitForPage(page, () => (location.pathname === '/explorer/run' && document.readyState === 'complete' ? document.body.textContent : null))
    expect(refused).toContain('A link can only show a response: to set a cookie')
  })

  test('the theme cookie changes every rendered page and shows in document.cookie; the HttpOnly session never does', { timeout: 60_000 }, async () => {
    const page = await browser.newPage()
    await openDemo(page, '/settings', 'settings')
    const seen = () =>
      page.evaluate(() => ({
        theme: document.documentElement.dataset.theme,
        background: getComputedStyle(document.body).backgroundColor,
        cookie: document.cookie,
      }))
    // The page asks the worker which cookies it received: the session is among them.
    const atWorker = await waitForPage(page, () => {
      const text = document.querySelector('[data-worker-cookie]')?.textContent ?? ''
      return text.includes('=') ? text : null
    })
    expect(atWorker).toMatch(/(^|; )sid=[0-9a-z]+\.[0-9a-f]+/)
    expect((await seen()).cookie).not.toContain('sid=')

    const themeTo = async (theme: string) => {
      await page.evaluate((theme) => void (document.querySelector<HTMLInputElement>(`input[type=radio][name=theme][value=${theme}]`)!.checked = true), theme)
      await submit(page, 'form[action="/settings/theme"]:not(.theme-toggle)')
      await waitForPage(page, () => (!window.submitted && document.readyState === 'complete' && document.querySelector('[data-flash]')?.textContent === 'Theme saved' ? true : null))
      // The page mirrors the worker's cookies into document.cookie once its script has run.
      await page.evaluate(() => window.notesReady)
      return seen()
    }
    const dark = await themeTo('dark')
    expect(dark.theme).toBe('dark')
    expect(dark.cookie.split('; ')).toContain('theme=dark')
    expect(dark.cookie).not.toContain('sid=')
    const light = await themeTo('light')
    expect(light.theme).toBe('light')
    expect(light.cookie.split('; ')).toContain('theme=light')
    expect(light.background, 'the theme changes how the page looks').not.toBe(dark.background)

    // Every page the worker renders follows the cookie.
    await page.goto(`${DEMO}/`)
    await page.evaluate(() => window.notesReady)
    const home = await seen()
    expect([home.theme, home.background]).toEqual(['light', light.background])
    expect(home.cookie).not.toContain('sid=')
    expect(await page.cookie()).toContain('theme=light')
  })
})
