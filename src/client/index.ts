/** swasgi/client: the page side. */
export { register, awaitControl, type RegisterOptions } from './register.js'
export { askWorker, mockState, onRequestEvent, resetOverrides, scenarioFromURL, useOverrides, useScenario } from './mock.js'
export type { MockState, OverrideSpec, RequestEventData, RequestEventType } from '../messages.js'
