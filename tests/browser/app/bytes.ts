/** `size` pseudo-random bytes from `seed` (xorshift32): the page and the Node test make the same ones. */
export function testBytes(seed: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    bytes[i] = x & 0xff
  }
  return bytes
}
