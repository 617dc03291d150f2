import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeBuilder } from './docker/builder.js';
import { dockerEnv } from './docker/job-dir.js';
import { rotateLocalCache } from './docker/local-cache.js';
import { dockerLogout } from './docker/login.js';

export interface CleanupState {
  jobDir: string;
  hosts: string;
  builder: string;
  /** `cache: local`: the cache directory whose fresh export replaces it. */
  cacheDir?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Undoes what the main step created: registry logins, the job's builder, and the
 * private directory with the docker config and secret files. Returns problems as
 * text (warnings), never throws for them.
 */
export async function cleanup(state: CleanupState): Promise<string[]> {
  const problems: string[] = [];
  if (!state.jobDir) return problems;
  const env = dockerEnv(state.env, { dockerConfig: join(state.jobDir, 'docker') });
  const hosts = state.hosts.split(',').filter(Boolean);
  if (hosts.length) problems.push(...(await dockerLogout(hosts, env)));
  if (state.builder) {
    const problem = await removeBuilder(state.builder, env);
    if (problem) problems.push(problem);
  }
  try {
    if (state.cacheDir) rotateLocalCache(state.cacheDir);
  } catch (error) {
    problems.push(`could not rotate the local build cache ${state.cacheDir}: ${(error as Error).message}`);
  }
  try {
    rmSync(state.jobDir, { recursive: true, force: true });
  } catch (error) {
    problems.push(`could not remove ${state.jobDir}: ${(error as Error).message}`);
  }
  return problems;
}
