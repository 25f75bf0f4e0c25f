import { expect, test } from 'vitest'
import { guessMediaType } from '../../src/mediatypes/standard.js'
import { WEB_MEDIA_TYPES, guessWebMediaType } from '../../src/mediatypes/web.js'

test('standard types come from mime/lite, by extension, file name or path', () => {
  expect(guessMediaType('clip.webm')).toBe('video/webm')
  expect(guessMediaType('idb://files/report.pdf')).toBe('application/pdf')
  expect(guessMediaType('notes/export.CSV')).toBe('text/csv')
  expect(guessMediaType('/static/app.js')).toBe('text/javascript')
})

test('the non-standard types web apps serve are added', () => {
  expect(guessMediaType('favicon.ico')).toBe('image/x-icon')
  expect(guessMediaType('notes.ndjson')).toBe('application/x-ndjson')
  expect(guessMediaType('sheet.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
})

test('unknown names give null', () => {
  expect(guessMediaType('README')).toBeNull()
  expect(guessMediaType('archive.unknownext')).toBeNull()
})

test("the worker's web table agrees with mime's table on every entry", () => {
  expect(WEB_MEDIA_TYPES.size).toBeGreaterThan(60)
  for (const [extension, type] of WEB_MEDIA_TYPES) {
    expect([extension, guessWebMediaType(`file.${extension}`)]).toEqual([extension, type])
    expect([extension, guessMediaType(`file.${extension}`)]).toEqual([extension, type])
  }
})

test('the web table guesses from the last extension of a name or path, in any case', () => {
  expect(guessWebMediaType('idb://files/Report.PDF')).toBe('application/pdf')
  expect(guessWebMediaType('cache://static/assets/app.min.js')).toBe('text/javascript')
  expect(guessWebMediaType('archive.tar.gz')).toBe('application/gzip')
  expect(guessWebMediaType('/static/v1.2/README')).toBeNull()
  expect(guessWebMediaType('notes')).toBeNull()
  expect(guessWebMediaType('model.glb')).toBeNull() // in mime's table, not in the web one
  expect(guessMediaType('model.glb')).toBe('model/gltf-binary')
})
