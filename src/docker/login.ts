import type { RegistryLogin } from '../types/registry.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import { docker, dockerFailure } from './docker-cli.js';

/**
 * `docker login --password-stdin` (the CLI's `login`, into the user's own docker config, where
 * their credential helpers apply; the action writes its job-private config directly): the
 * password never touches argv.
 */
export async function dockerLogin(
  host: string,
  login: RegistryLogin,
  env: Record<string, string>,
  retry: RetryPolicy,
): Promise<void> {
  await withRetry(
    `docker login ${host}`,
    async () => {
      const result = await docker(['login', '--username', login.username, '--password-stdin', host], {
        env,
        input: login.password,
        quiet: true,
      });
      if (result.exitCode !== 0) throw dockerFailure(`docker login ${host}`, result);
    },
    retry,
  );
}

/** Post step: forget the credentials for these hosts. A failure here only warns. */
export async function dockerLogout(hosts: string[], env: Record<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const host of hosts) {
    const result = await docker(['logout', host], { env, quiet: true });
    if (result.exitCode !== 0) problems.push(`docker logout ${host}: ${result.stderr.trim()}`);
  }
  return problems;
}
