// Size experiment only (run.mjs aliases src/mediatypes/web.ts to this): how big the swasgi worker
// is without any media-type table.
export const WEB_MEDIA_TYPES = new Map<string, string>()
export const guessWebMediaType = (_name: string): string | null => null
