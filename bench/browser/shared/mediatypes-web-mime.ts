// Size experiment only (run.mjs aliases src/mediatypes/web.ts to this): the swasgi worker guessing
// with mime/lite's standard table (what putFile uses) instead of the web table.
export { guessMediaType as guessWebMediaType } from '../../../src/mediatypes/standard.js'
