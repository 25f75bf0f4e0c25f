// The one interface the cross-engine suite drives a browser through, whatever the engine underneath.

/** The three browser engines the suite covers. */
export type EngineName = 'chromium' | 'firefox' | 'webkit'

/** A function run in the page: it gets one JSON argument and returns JSON (or a promise of it). */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>

/** One tab, isolated from every other page (own cookies, storage and service workers). */
export interface Page {
  /** Navigates and waits for the load event, or for the page to navigate on by itself before it. */
  goto(url: string): Promise<void>
  /** Reloads (a soft reload, which the service worker answers) and waits for the load event. */
  reload(): Promise<void>
  /** Runs `fn(arg)` in the page and resolves with its JSON result; a page error rejects. */
  evaluate<A, R>(fn: PageFunction<A, R>, arg: A): Promise<R>
  evaluate<R>(fn: PageFunction<undefined, R>): Promise<R>
  /** Cuts the page off the network, or undefined where the engine has no such switch (then stop the server). */
  readonly setOffline: ((offline: boolean) => Promise<void>) | undefined
  /** The page's `document.cookie`. */
  cookie(): Promise<string>
  /** Closes the tab and its context. */
  close(): Promise<void>
}

/** A running browser. */
export interface Browser {
  readonly engine: EngineName
  /** A version string, for the log. */
  readonly version: string
  newPage(): Promise<Page>
  close(): Promise<void>
}

/** The source text that runs `fn(arg)` as an expression, for drivers that take strings. */
export function callExpression(fn: PageFunction<never, unknown>, arg: unknown): string {
  return `(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`
}
