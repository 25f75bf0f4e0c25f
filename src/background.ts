/** Work a response runs after its last body message: a function, or several run in order. */
export type BackgroundTask = () => unknown
export type Background = BackgroundTask | readonly BackgroundTask[]

/** Runs background work sequentially; a failure propagates so that it is reported, never swallowed. */
export async function runBackground(background: Background | null | undefined): Promise<void> {
  if (background == null) return
  if (typeof background === 'function') {
    await background()
    return
  }
  for (const task of background) await task()
}
