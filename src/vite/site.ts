/** Where the worker comes from and where it is served. */
export interface WorkerSite {
  /** The worker's source file, relative to the project root. */
  entry: string
  /** The built script's file name in the output folder. */
  fileName: string
  /** The script's URL path (the app's `base` + `fileName`). */
  url: string
  /** The widest scope the worker may claim: the app's `base`. */
  scope: string
}

/** Headers for the worker script: always revalidated, so that a new build takes over; scope up to `base`. */
export function workerHeaders(site: WorkerSite): Record<string, string> {
  return { 'cache-control': 'no-cache', 'service-worker-allowed': site.scope }
}
