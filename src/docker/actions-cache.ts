import { rotateLocalCache } from './local-cache.js';

/** A `cache: local` directory and its @actions/cache key. */
export interface LocalCache {
  dir: string;
  key: string;
  restoreKeys: string[];
}

/**
 * @actions/cache is loaded only here, only for `cache: local`, and only where the Actions
 * cache service is (a hosted runner, or GHES): its own chunk, so every other run starts
 * without it. Elsewhere (self-hosted runners, the CLI) the directory itself persists.
 */
const loadCache = () => import('@actions/cache');

/** True when the job can reach the Actions cache service (the toolkit's own check). */
export async function cacheServiceAvailable(env: NodeJS.ProcessEnv): Promise<boolean> {
  if (!env.ACTIONS_RUNTIME_TOKEN || !(env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)) return false;
  return (await loadCache()).isFeatureAvailable();
}

/**
 * Restores the directory before the build: the exact key, else the newest archive of the
 * scope (BuildKit still reuses every layer that did not change). Returns the key it restored.
 * A cache service failure is a warning inside the toolkit, never a failed build.
 */
export async function restoreLocalCache(cache: LocalCache): Promise<string | undefined> {
  const { restoreCache } = await loadCache();
  return restoreCache([cache.dir], cache.key, cache.restoreKeys);
}

/**
 * After a successful build: the fresh export replaces the directory (so it never grows
 * without bound), then it is saved as one archive, unless the exact key was restored
 * (an archive of that key exists and cannot be replaced).
 */
export async function saveLocalCache(
  cache: LocalCache,
  restoredKey: string | undefined,
  useService: boolean,
): Promise<'saved' | 'kept' | 'rotated'> {
  rotateLocalCache(cache.dir);
  if (!useService) return 'rotated';
  if (restoredKey === cache.key) return 'kept';
  const { saveCache } = await loadCache();
  await saveCache([cache.dir], cache.key);
  return 'saved';
}
