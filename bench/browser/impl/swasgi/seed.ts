// swasgi's users seed through swasgi/storage.
import { putFile } from '../../../../src/storage/index.js'
import { CACHE_NAME, CACHE_PATH, IDB_KEY } from '../../shared/spec.js'

export async function seedSwasgi(blob: Blob): Promise<void> {
  await putFile(`cache://${CACHE_NAME}${CACHE_PATH}`, blob)
  await putFile(`idb://bench/${IDB_KEY}`, blob)
}
