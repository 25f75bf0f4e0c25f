// Values demo/vite.config.ts writes into the worker bundle at build time.

/** When the demo was built (ISO 8601). */
declare const __DEMO_BUILD__: string
