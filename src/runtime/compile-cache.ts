import { lstatSync, mkdirSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `module.enableCompileCache` (Node 22.1+; @types/node 20 does not declare it). */
export type EnableCompileCache = (directory: string) => { status: number };

/** Its statuses: 1 enabled, 2 already enabled; 0 failed, 3 disabled (NODE_DISABLE_COMPILE_CACHE). */
const ENABLED = new Set([1, 2]);

const nodeEnable =
  (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache?.bind(module) ?? null;

/**
 * Turns on V8's compile cache for the modules loaded after this call, so the next start of the
 * same bundle reads compiled code instead of compiling it again. The entry points call it first
 * and load everything else with import(). Returns the cache directory, or undefined where Node
 * lacks the cache (Node 20) or the directory is not private.
 *
 * The directory is per user and must be ours and closed to others: cached code runs as it is,
 * so a directory another user can write to (a shared /tmp on a self-hosted runner) would let them
 * run code in this step. Node's default (TMPDIR/node-compile-cache, mode 0755) is not used.
 */
export function enableCompileCache(
  base: string = tmpdir(),
  enable: EnableCompileCache | null = nodeEnable,
): string | undefined {
  const uid = process.getuid?.();
  if (!enable || uid === undefined) return undefined;
  const directory = join(base, `ecr-build-push-compile-cache-${uid}`);
  try {
    mkdirSync(directory, { mode: 0o700, recursive: true });
    if (!isPrivate(directory, uid)) return undefined;
    return ENABLED.has(enable(directory).status) ? directory : undefined;
  } catch {
    // A cache is an optimisation: never a reason to fail the step.
    return undefined;
  }
}

/** A real directory (not a symlink) owned by `uid` that no group or other user may read or write. */
function isPrivate(directory: string, uid: number): boolean {
  const st = lstatSync(directory);
  return st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0;
}
