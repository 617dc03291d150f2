/** Build vocabulary shared by the inputs and the docker adapter. */
export type CacheMode = 'none' | 'inline' | 'registry' | 'gha' | 'local';
export const CACHE_MODES: readonly CacheMode[] = ['none', 'inline', 'registry', 'gha', 'local'];
