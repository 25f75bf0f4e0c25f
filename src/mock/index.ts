/** swasgi/mock: runtime overrides, scenarios, delays and network errors for an app in a worker, the way MSW users expect them. */
export { mock, MockApp, type Handler, type MockOptions, type ScenarioStore } from './mock.js'
export { overrideRoute, type OverrideSpec } from './override.js'
export { delay, REAL_LATENCY, type DelaySpec } from './delay.js'
export type { MockAction, MockState, RequestEventData, RequestEventType } from '../messages.js'
