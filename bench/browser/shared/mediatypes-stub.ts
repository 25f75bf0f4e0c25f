// Size experiment only (run.mjs aliases src/mediatypes.ts to this): how big the swasgi worker is
// without any media-type table.
export const guessMediaType = (_name: string): string | null => null
