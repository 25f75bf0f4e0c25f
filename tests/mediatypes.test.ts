import { expect, test } from 'vitest'
import { guessMediaType } from '../src/mediatypes.js'

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
