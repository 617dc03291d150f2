/** Build vocabulary shared by the inputs and the docker adapter. */
export type CacheMode = 'none' | 'inline' | 'registry' | 'gha' | 'local';
export const CACHE_MODES: readonly CacheMode[] = ['none', 'inline', 'registry', 'gha', 'local'];

/** The image label that holds the build configuration's fingerprint (the action sets it, users may not). */
export const FINGERPRINT_LABEL = 'dev.ecr-build-push.fingerprint';
