import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** Files whose content decides whether a cached dependency layer still applies. */
const LOCK_FILES = [
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'go.sum',
  'Cargo.lock',
  'poetry.lock',
  'requirements.txt',
  'Gemfile.lock',
  'composer.lock',
];

/**
 * Where `cache: local` keeps BuildKit's cache between jobs: under RUNNER_TOOL_CACHE
 * (kept between jobs on self-hosted runners, and the same path on every hosted runner,
 * which @actions/cache needs to restore an archive), one directory per cache scope.
 */
export function localCacheRoot(env: NodeJS.ProcessEnv): string {
  return join(env.RUNNER_TOOL_CACHE || env.RUNNER_TEMP || tmpdir(), 'ecr-build-push-cache');
}

/**
 * The @actions/cache key of a scope's directory: the Dockerfile, the lock files of the
 * context and the platforms. The restore key (the scope alone) gives a partial hit when
 * any of them changed: BuildKit still reuses every layer that did not.
 */
export function localCacheKey(
  scope: string,
  context: string,
  file: string | undefined,
  platforms: string[],
  readFile: (path: string) => Buffer | undefined,
): { key: string; restoreKeys: string[] } {
  const hash = createHash('sha256').update(platforms.join(',')).update('\0');
  for (const path of [
    file ?? join(context, 'Dockerfile'),
    ...LOCK_FILES.map((name) => join(context, name)),
  ]) {
    const bytes = readFile(path);
    if (bytes) hash.update(path).update('\0').update(bytes);
  }
  const prefix = `ecr-build-push-${scope}-`;
  return { key: `${prefix}${hash.digest('hex').slice(0, 32)}`, restoreKeys: [prefix] };
}

/** Reads a file for the key; undefined when it does not exist. */
export function readIfPresent(path: string): Buffer | undefined {
  return existsSync(path) ? readFileSync(path) : undefined;
}

/**
 * After the build: BuildKit exported the new cache next to the old one (`DIR-new`); the new
 * one replaces it, so the cache never grows without bound.
 */
export function rotateLocalCache(dir: string): void {
  const fresh = `${dir}-new`;
  if (!existsSync(fresh)) return;
  rmSync(dir, { recursive: true, force: true });
  renameSync(fresh, dir);
}

/** Before a build: an export an interrupted run left may be partial, so it goes and the previous cache stays. */
export function discardLocalCacheExport(dir: string): void {
  rmSync(`${dir}-new`, { recursive: true, force: true });
}
