import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeBuilder } from '../docker/builder.js';
import { dockerEnv } from '../docker/job-dir.js';
import { dockerLogout } from '../docker/login.js';
import type { PostState } from './state.js';

/** What the post step reports: `leftBehind` (secrets or credentials still on disk) fails it. */
interface CleanupResult {
  leftBehind?: string;
  problems: string[];
}

/**
 * Undoes what the main step created, from its saved state. The private directory (docker
 * config with the registry credentials, secret files) goes first, with no docker involved,
 * so nothing stays on disk whatever docker does; then, best effort: `docker logout` only if
 * that directory could not be removed, and the job's builder. Never throws: what went wrong comes back as text.
 */
export async function cleanup(state: PostState, env: NodeJS.ProcessEnv): Promise<CleanupResult> {
  const result: CleanupResult = { problems: [] };
  const { jobDir, hosts, builder } = state;
  if (!jobDir) return result;
  try {
    rmSync(jobDir, { recursive: true, force: true, maxRetries: 2 });
  } catch (error) {
    result.leftBehind = `could not remove ${jobDir} (docker config and secret files): ${(error as Error).message}`;
    const privateEnv = dockerEnv(env, { dockerConfig: join(jobDir, 'docker') });
    if (hosts.length) result.problems.push(...(await bestEffort(() => dockerLogout(hosts, privateEnv))));
  }
  // The user's own docker config: the private one (and the buildx plugin link in it) is gone.
  if (builder) result.problems.push(...(await bestEffort(() => removeBuilder(builder, dockerEnv(env)))));
  return result;
}

/** A docker call that may fail any way (docker missing included): its problems as text. */
async function bestEffort(fn: () => Promise<string[] | string | undefined>): Promise<string[]> {
  try {
    const out = await fn();
    return out === undefined ? [] : ([] as string[]).concat(out);
  } catch (error) {
    return [(error as Error).message.split('\n')[0]!];
  }
}
