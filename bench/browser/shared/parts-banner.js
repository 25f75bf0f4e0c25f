// Prepended to each worker by `run.mjs --parts` (footer: parts-footer.js): when each part of a cold
// start happens inside the worker, in ms since the worker's time origin, read back through the
// DevTools protocol after each cold fetch. Runs before the bundle, so its listener comes first.
self.__parts = { scriptStart: performance.now() }
self.addEventListener('fetch', (event) => {
  const parts = self.__parts
  if (parts.event !== undefined || !new URL(event.request.url).pathname.startsWith('/bench/')) return
  parts.event = performance.now()
  const respondWith = event.respondWith.bind(event)
  Object.defineProperty(event, 'respondWith', {
    value: (response) =>
      respondWith(
        Promise.resolve(response).then((answer) => {
          parts.response = performance.now()
          return answer
        }),
      ),
  })
})
// The first IndexedDB open, the first read and the first Cookie Store read: [start, end] each.
const firstCall = (name, start) => {
  if (self.__parts[name]) return null
  const span = (self.__parts[name] = [start ?? performance.now()])
  return () => span.push(performance.now())
}
const open = IDBFactory.prototype.open
IDBFactory.prototype.open = function (...args) {
  const done = firstCall('idbOpen')
  const request = open.apply(this, args)
  if (done) request.addEventListener('success', done)
  return request
}
const get = IDBObjectStore.prototype.get
IDBObjectStore.prototype.get = function (...args) {
  const done = firstCall('idbGet')
  const request = get.apply(this, args)
  if (done) request.addEventListener('success', done)
  return request
}
// Promise-returning methods: the first call of each, [start, settled]; `refused` names a flag set when it rejects.
const timeFirst = (proto, method, name, refused) => {
  const original = proto[method]
  proto[method] = function (...args) {
    const done = firstCall(name)
    const result = original.apply(this, args)
    if (done) result.then(done, () => (done(), refused && (self.__parts[refused] = true)))
    return result
  }
}
if (self.CookieStore) {
  timeFirst(CookieStore.prototype, 'getAll', 'cookieStoreGetAll')
  // A refused first set() is a Cookie Store that keeps nothing in this start (see docs/benchmarks.md).
  timeFirst(CookieStore.prototype, 'set', 'cookieStoreSet', 'cookieStoreRefused')
  timeFirst(CookieStore.prototype, 'delete', 'cookieStoreDelete')
}
timeFirst(Clients.prototype, 'get', 'clientsGet')
