/**
 * The BroadcastChannel through which the workers of an origin that share a database tell each
 * other of a write (a new version installing beside the one that answers, workers of other
 * scopes): `onChange` runs in the others. `option` names it; by default there is one, named
 * `fallback`, for the default database only (`ownStore` false). None where the runtime has none.
 */
export function changeChannel(option: string | null | undefined, ownStore: boolean, fallback: string, onChange: () => void): BroadcastChannel | undefined {
  const name = option === undefined ? (ownStore ? null : fallback) : option
  if (!name || typeof BroadcastChannel !== 'function') return undefined
  const channel = new BroadcastChannel(name)
  channel.onmessage = onChange
  ;(channel as { unref?: () => void }).unref?.() // Node's would keep the process alive
  return channel
}
