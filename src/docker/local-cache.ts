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
 * (kept between jobs on self-hosted runners), keyed by the Dockerfile and the lock
 * files of the context. @actions/cache would carry it across hosted runners too, but
 * bundles to 1.2 MB (the whole action is 0.7 MB); there `cache: gha` is the better
 * choice and BuildKit speaks it natively.
 */
export function localCacheDir(env: NodeJS.ProcessEnv, context: string, file: string | undefined): string {
  const hash = createHash('sha256');
  for (const path of [
    file ?? join(context, 'Dockerfile'),
    ...LOCK_FILES.map((name) => join(context, name)),
  ]) {
    if (existsSync(path)) hash.update(path).update(readFileSync(path));
  }
  const root = env.RUNNER_TOOL_CACHE || env.RUNNER_TEMP || tmpdir();
  return join(root, 'ecr-build-push-cache', hash.digest('hex').slice(0, 16));
}

/**
 * Post step: BuildKit exported the new cache next to the old one (`DIR-new`); the new
 * one replaces it, so the cache never grows without bound.
 */
export function rotateLocalCache(dir: string): void {
  const fresh = `${dir}-new`;
  if (!existsSync(fresh)) return;
  rmSync(dir, { recursive: true, force: true });
  renameSync(fresh, dir);
}
