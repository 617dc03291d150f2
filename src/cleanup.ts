import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeBuilder } from './docker/builder.js';
import { dockerEnv } from './docker/job-dir.js';
import { rotateLocalCache } from './docker/local-cache.js';
import { dockerLogout } from './docker/login.js';

/** What main saves for the post step (GITHUB_STATE), by name. */
export const STATE = {
  jobDir: 'job-dir',
  hosts: 'hosts',
  builder: 'builder',
  cacheDir: 'cache-dir',
} as const;

/**
 * Undoes what the main step created, from its saved state: registry logins, the job's
 * builder, the private directory with the docker config and secret files; and rotates
 * a `cache: local` export into place. Returns problems as text (warnings), never throws
 * for them.
 */
export async function cleanup(getState: (name: string) => string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const problems: string[] = [];
  const jobDir = getState(STATE.jobDir);
  if (!jobDir) return problems;
  const dockerChildEnv = dockerEnv(env, { dockerConfig: join(jobDir, 'docker') });
  const hosts = getState(STATE.hosts).split(',').filter(Boolean);
  if (hosts.length) problems.push(...(await dockerLogout(hosts, dockerChildEnv)));
  const builder = getState(STATE.builder);
  if (builder) {
    const problem = await removeBuilder(builder, dockerChildEnv);
    if (problem) problems.push(problem);
  }
  const cacheDir = getState(STATE.cacheDir);
  try {
    if (cacheDir) rotateLocalCache(cacheDir);
  } catch (error) {
    problems.push(`could not rotate the local build cache ${cacheDir}: ${(error as Error).message}`);
  }
  try {
    rmSync(jobDir, { recursive: true, force: true });
  } catch (error) {
    problems.push(`could not remove ${jobDir}: ${(error as Error).message}`);
  }
  return problems;
}
