import { mkdirSync, mkdtempSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError, quoted } from '../errors.js';
import { seedDockerConfig } from './docker-config.js';

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
  let root: string;
  try {
    mkdirSync(base, { recursive: true });
    root = mkdtempSync(join(base, 'ecr-build-push-'));
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    const name = env.RUNNER_TEMP ? 'RUNNER_TEMP' : 'the temporary directory (TMPDIR)';
    throw new ActionError(
      `Cannot create the job's private directory under ${name}, ${quoted(base)}: ${code}.`,
      code === 'ENOTDIR' || code === 'EEXIST'
        ? `${quoted(base)} (or a parent) is a file: it must be a directory the job can write to.`
        : 'It must be a directory the job can write to: on a self-hosted runner, check its owner and free space (an earlier job running as root may own it).',
      'RunnerTempUnusable',
    );
  }
  const dir = {
    root,
    dockerConfig: join(root, 'docker'),
    secrets: join(root, 'secrets'),
    metadataFile: join(root, 'metadata.json'),
    iidFile: join(root, 'iid'),
  };
  mkdirSync(dir.dockerConfig, { mode: 0o700 });
  mkdirSync(dir.secrets, { mode: 0o700 });
  const userDir = env.DOCKER_CONFIG || join(homedir(), '.docker');
  // Logins made before the step (the user's config, read only) come along; the action's go on top.
  writeFileSync(join(dir.dockerConfig, 'config.json'), seedDockerConfig(readUserConfig(userDir)), {
    mode: 0o600,
  });
  // Keep the user's CLI plugins (setup-buildx installs buildx there) visible.
  const userPlugins = join(userDir, 'cli-plugins');
  if (existsSync(userPlugins)) symlinkSync(userPlugins, join(dir.dockerConfig, 'cli-plugins'));
  return dir;
}

/** The user's docker config text, if there is one to read. */
function readUserConfig(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Environment for docker children, from an allowlist: what docker, buildx and their helpers
 * read (paths, locale, proxies, CA bundles, DOCKER_* / BUILDX_* / BUILDKIT_*, the CI's identity),
 * never the step's inputs (INPUT_SECRETS...), the OIDC request token or AWS credentials. The
 * Actions cache variables only when a `gha` cache needs them (buildx reads them itself).
 * `dir` replaces DOCKER_CONFIG with the job-private one; without it (the CLI's `login`) the
 * user's own config stays.
 */
export function dockerEnv(
  env: NodeJS.ProcessEnv,
  dir?: Pick<JobDir, 'dockerConfig'>,
  needs: { gha?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (needs.gha && GHA_CACHE_ENV.test(key)) out[key] = value;
    else if (ALLOWED_ENV.test(key) && !DENIED_ENV.test(key)) out[key] = value;
  }
  if (!dir) return out;
  out.DOCKER_CONFIG = dir.dockerConfig;
  out.BUILDX_CONFIG = env.BUILDX_CONFIG || join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'buildx');
  return out;
}

const ALLOWED_ENV = new RegExp(
  [
    '^(?:PATH|HOME|USER|LOGNAME|SHELL|TERM|TZ|LANG|LANGUAGE|LC_\\w+|TMPDIR|TMP|TEMP|NO_COLOR|XDG_\\w+)$',
    '^(?:https?_proxy|no_proxy|all_proxy|ftp_proxy)$',
    '^(?:SSL_CERT_FILE|SSL_CERT_DIR|SSH_AUTH_SOCK)$',
    '^(?:DOCKER|BUILDX|BUILDKIT|COMPOSE)_\\w+$',
    // buildx reads the CI's identity for build records and provenance.
    '^(?:CI|GITHUB_\\w+|RUNNER_(?:TEMP|TOOL_CACHE|OS|ARCH|NAME|ENVIRONMENT|DEBUG))$',
  ].join('|'),
  'i',
);
/** Never, whatever the allowlist says: a token or password under a name it would let through. */
const DENIED_ENV = /TOKEN|PASSWORD|SECRET|CREDENTIAL|^DOCKER_AUTH_CONFIG$/i;
/** What buildx's `type=gha` cache reads from its environment (runtime token and service URLs). */
const GHA_CACHE_ENV =
  /^(?:ACTIONS_RUNTIME_TOKEN|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_CACHE_SERVICE_V2)$/;

/** Writes a secret value to a 0600 file in the private dir; buildx reads it with `--secret id=X,src=FILE`. */
export function writeSecretFile(dir: JobDir, id: string, value: string): string {
  const path = join(dir.secrets, id.replace(/[^\w.-]/g, '_'));
  writeFileSync(path, value, { mode: 0o600 });
  return path;
}
