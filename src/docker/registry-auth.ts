import { lstatSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerError } from '../errors.js';
import type { RegistryLogin } from '../types/registry.js';

/**
 * Puts the registry credentials into the job-private docker config, the entry `docker login`
 * writes there (`auths.HOST.auth`, base64 of user:password), without starting docker: one
 * process less per job, and the password reaches neither argv nor any process's stdin. Unlike
 * `docker login` it does not try the credentials first: they come from GetAuthorizationToken a
 * moment ago, and the push reports a refusal as clearly.
 *
 * Only into the private directory: it must be ours and closed to others (createJobDir makes it
 * 0700). The file is written 0600 beside config.json and renamed over it, so no reader ever
 * sees half a file and no other mode ever applies. The CLI's `login` keeps `docker login
 * --password-stdin`: there the user's own config and credential helpers decide where it goes.
 */
export function writeRegistryAuth(
  dockerConfig: string,
  logins: readonly { host: string; login: RegistryLogin }[],
): void {
  const dir = lstatSync(dockerConfig);
  if (!dir.isDirectory() || (dir.mode & 0o077) !== 0 || dir.uid !== process.getuid?.()) {
    throw new DockerError(
      `Refusing to write registry credentials into ${dockerConfig}: it is not a private directory of this user (mode ${(dir.mode & 0o777).toString(8)}).`,
      'This is a bug: the job-private docker config is created with mode 0700. Please report it.',
      'DockerConfigNotPrivate',
    );
  }
  const file = join(dockerConfig, 'config.json');
  const temporary = `${file}.${process.pid}.tmp`;
  // Every host in one write: the file is read, changed and renamed once per job, not per login.
  const text = logins.reduce<string | undefined>(
    (config, { host, login }) => withRegistryAuth(config, host, login),
    readConfig(file),
  );
  writeFileSync(temporary, text ?? '{}\n', { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

/**
 * The config text with `host`'s credentials in `auths` (replacing earlier ones), every other
 * setting kept. A credential helper for that host is dropped: docker would ask the helper and
 * never read the entry. Pure.
 */
export function withRegistryAuth(text: string | undefined, host: string, login: RegistryLogin): string {
  const config = parseObject(text);
  const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
  config.auths = { ...parseObject(config.auths), [host]: { auth } };
  const helpers = parseObject(config.credHelpers);
  if (host in helpers) {
    delete helpers[host];
    if (Object.keys(helpers).length) config.credHelpers = helpers;
    else delete config.credHelpers;
  }
  return `${JSON.stringify(config, null, 2)}\n`;
}

function readConfig(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseObject(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? (value.trim() ? JSON.parse(value) : {}) : value;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? { ...(parsed as Record<string, unknown>) }
    : {};
}
