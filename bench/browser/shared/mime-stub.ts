// Size experiment only (run.mjs aliases `mime` to this): how big the swasgi worker is without any media-type table.
export default { getType: (_path: string): string | null => null, getExtension: (_type: string): string | null => null }
