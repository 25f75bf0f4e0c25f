/** swasgi/node: the same ASGI app in Node, as a node:http server or answering `fetch` in tests. */
export { createServer, nodeHandler, type NodeHandler, type NodeServerOptions } from './server.js'
export { intercept, type Interception, type InterceptOptions } from './intercept.js'
