/** Starlette-style routing: routes, mounts, the router, and reverse routing. */
export { Route, NoMatchFound, type BaseRoute, type Endpoint, type ASGIEndpoint, type Match, type RouteOptions } from './route.js'
export { Mount, type MountOptions } from './mount.js'
export { Router, type RouterOptions } from './router.js'
