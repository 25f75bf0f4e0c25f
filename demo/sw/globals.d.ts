// Values scripts/demo.mjs writes into the worker bundle at build time.

/** The page bundle's entry script and stylesheets, linked from every page the worker renders. */
declare const __DEMO_ASSETS__: { script: string; styles: string[] }
/** The built files to precache at install (Workbox entries). */
declare const __DEMO_PRECACHE__: { url: string; revision: string | null }[]
/** When the demo was built (ISO 8601). */
declare const __DEMO_BUILD__: string
