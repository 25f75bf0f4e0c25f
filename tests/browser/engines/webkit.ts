// WebKit through WebKitGTK's WebDriver (classic WebDriver over HTTP) and its MiniBrowser, on an Xvfb
// display. A small fetch client is enough for the five commands the suite needs, where an npm
// WebDriver client would bring dozens of packages. Every page is its own session: a new MiniBrowser
// with an ephemeral (private) website data store.
import { spawn, type ChildProcess } from 'node:child_process'
import { callExpression, type Browser, type Page, type PageFunction } from './driver.js'

/** Where the WebKit pieces are installed. */
export interface WebKitPaths {
  driver: string
  miniBrowser: string
  /** Xvfb, or undefined to use the display in $DISPLAY. */
  xvfb: string | undefined
}

/** How long a script in the page may run before WebDriver gives up (within the test's 30 s). */
const SCRIPT_TIMEOUT = 15_000
/** How long any one WebDriver command may take, so a hang names the command that hung. */
const COMMAND_TIMEOUT = 20_000
// Starting a MiniBrowser is the slowest command: on a loaded machine it has taken over 20 s.
const SESSION_TIMEOUT = 40_000

/** Starts Xvfb (unless told to use $DISPLAY) and WebKitWebDriver on `port`; each newPage() is a new session. */
export async function launchWebKit(paths: WebKitPaths, port: number): Promise<Browser> {
  const children: ChildProcess[] = []
  const stop = () => {
    for (const child of children.reverse()) if (child.exitCode === null) child.kill()
  }
  process.once('exit', stop)
  try {
    const display = paths.xvfb ? await startXvfb(paths.xvfb, children) : process.env.DISPLAY
    const driver = spawn(paths.driver, [`--port=${port}`, '--host=127.0.0.1'], {
      env: { ...process.env, DISPLAY: display },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    children.push(driver)
    const base = `http://127.0.0.1:${port}`
    await waitForDriver(base, driver)
    const sessions = new Set<string>()
    const client = new WebDriverClient(base)
    let version = 'WebKitGTK'
    return {
      engine: 'webkit',
      get version() {
        return version
      },
      async newPage(): Promise<Page> {
        const created = (await client.command(
          'POST',
          '/session',
          { capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: paths.miniBrowser, args: ['--automation'] } } } },
          SESSION_TIMEOUT,
        )) as { sessionId: string; capabilities: { browserVersion?: string } }
        const session = `/session/${created.sessionId}`
        sessions.add(created.sessionId)
        version = `WebKitGTK ${created.capabilities.browserVersion ?? ''}`.trim()
        await client.command('POST', `${session}/timeouts`, { script: SCRIPT_TIMEOUT, pageLoad: SCRIPT_TIMEOUT })
        const evaluate = async <A, R>(fn: PageFunction<A, R>, arg?: A): Promise<R> => {
          // Runs as the body of a function whose last argument is WebDriver's callback.
          const script = `const done = arguments[arguments.length - 1];
            Promise.resolve().then(() => ${callExpression(fn as PageFunction<never, unknown>, arg)}).then(
              (value) => done({ ok: true, value: value === undefined ? null : value }),
              (error) => done({ ok: false, thrown: String(error && error.stack ? error + '\\n' + error.stack : error) }))`
          const result = (await client.command('POST', `${session}/execute/async`, { script, args: [] })) as { ok: boolean; value: R; thrown: string }
          // (not "error": a WebDriver error object has that key)
          if (!result.ok) throw new Error(`in the page: ${result.thrown}`)
          return result.value
        }
        return {
          async goto(url) {
            await client.command('POST', `${session}/url`, { url })
          },
          async reload() {
            await client.command('POST', `${session}/refresh`, {})
          },
          evaluate,
          setOffline: undefined,
          cookie: () => evaluate(() => document.cookie),
          async close() {
            sessions.delete(created.sessionId)
            await client.command('DELETE', session)
          },
        }
      },
      async close() {
        try {
          for (const id of sessions) await client.command('DELETE', `/session/${id}`).catch(() => {})
        } finally {
          stop()
          process.removeListener('exit', stop)
        }
      },
    }
  } catch (error) {
    stop()
    throw error
  }
}

/** Starts Xvfb on a free display (it writes the number to fd 3) and returns ":N". */
function startXvfb(xvfb: string, children: ChildProcess[]): Promise<string> {
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    child.stdio[3]!.on('data', (d) => {
      out += d
      if (out.includes('\n')) resolve(`:${out.trim()}`)
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before giving a display: ${err.trim()}`)))
  })
}

async function waitForDriver(base: string, driver: ChildProcess): Promise<void> {
  let err = ''
  driver.stderr!.on('data', (d) => (err += d))
  for (let i = 0; i < 100; i++) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode}): ${err.trim()}`)
    try {
      const status = (await (await fetch(`${base}/status`)).json()) as { value?: { ready?: boolean } }
      if (status.value?.ready !== false) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`WebKitWebDriver did not answer on ${base} within 10 s: ${err.trim()}`)
}

/** Classic WebDriver (W3C) over HTTP: a command is a method, a path and a JSON body; errors name themselves. */
class WebDriverClient {
  constructor(private readonly base: string) {}

  async command(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeout = COMMAND_TIMEOUT): Promise<unknown> {
    let response: globalThis.Response
    let text: string
    try {
      response = await fetch(this.base + path, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeout),
      })
      text = await response.text()
    } catch (error) {
      throw new Error(`WebKitWebDriver ${method} ${path} failed: ${(error as Error).message}`, { cause: error })
    }
    let json: { value?: unknown }
    try {
      json = JSON.parse(text) as { value?: unknown }
    } catch {
      throw new Error(`WebKitWebDriver ${method} ${path} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`)
    }
    const value = json.value as { error?: string; message?: string } | null
    if (!response.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
      throw new Error(`WebKitWebDriver ${method} ${path}: ${value?.error ?? response.status}: ${value?.message ?? text.slice(0, 200)}`)
    }
    return json.value
  }
}
