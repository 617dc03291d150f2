import { mkdirSync, mkdtempSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The job-private directory: docker config (registry credentials), secret files,
 * buildx metadata. Mode 0700 under RUNNER_TEMP, unique even where RUNNER_TEMP is
 * shared (act sets it to /tmp); the post step deletes it.
 */
export interface JobDir {
  root: string;
  dockerConfig: string;
  secrets: string;
  metadataFile: string;
  iidFile: string;
}

export function createJobDir(env: NodeJS.ProcessEnv): JobDir {
  const base = env.RUNNER_TEMP || tmpdir();
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, 'ecr-build-push-'));
  const dir = {
    root,
    dockerConfig: join(root, 'docker'),
    secrets: join(root, 'secrets'),
    metadataFile: join(root, 'metadata.json'),
    iidFile: join(root, 'iid'),
  };
  mkdirSync(dir.dockerConfig, { mode: 0o700 });
  mkdirSync(dir.secrets, { mode: 0o700 });
  writeFileSync(join(dir.dockerConfig, 'config.json'), '{}\n', { mode: 0o600 });
  // Keep the user's CLI plugins (setup-buildx installs buildx there) visible.
  const userPlugins = join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'cli-plugins');
  if (existsSync(userPlugins)) symlinkSync(userPlugins, join(dir.dockerConfig, 'cli-plugins'));
  return dir;
}

/**
 * Environment for docker children: the private config for credentials, the user's
 * buildx state (their builders) where it already lives.
 */
export function dockerEnv(env: NodeJS.ProcessEnv, dir: Pick<JobDir, 'dockerConfig'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && !CREDENTIAL_ENV.test(key)) out[key] = value;
  out.DOCKER_CONFIG = dir.dockerConfig;
  out.BUILDX_CONFIG = env.BUILDX_CONFIG || join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'buildx');
  return out;
}

/**
 * Credentials docker never needs: AWS keys, profiles and token files, and the OIDC
 * request token are kept out of every child's environment.
 */
const CREDENTIAL_ENV = /^(AWS_|ACTIONS_ID_TOKEN_)/;

/** Writes a secret value to a 0600 file in the private dir; buildx reads it with `--secret id=X,src=FILE`. */
export function writeSecretFile(dir: JobDir, id: string, value: string): string {
  const path = join(dir.secrets, id.replace(/[^\w.-]/g, '_'));
  writeFileSync(path, value, { mode: 0o600 });
  return path;
}
