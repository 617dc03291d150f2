import { docker, dockerFailure } from './docker-cli.js';

/**
 * A builder the action creates for this job (remote BuildKit endpoint, or a
 * docker-container builder for cache exports) and removes in the post step.
 */
export async function createBuilder(
  name: string,
  endpoint: string | undefined,
  env: Record<string, string>,
): Promise<void> {
  const args = endpoint
    ? ['buildx', 'create', '--name', name, '--driver', 'remote', endpoint]
    : ['buildx', 'create', '--name', name, '--driver', 'docker-container'];
  const result = await docker(args, { env, quiet: true });
  if (result.exitCode !== 0) {
    throw dockerFailure(
      `docker buildx create (${endpoint ? `remote ${endpoint}` : 'docker-container'})`,
      result,
      endpoint
        ? 'Check that the BuildKit daemon is reachable from the runner and that buildx supports the remote driver (buildx >= 0.8).'
        : 'Is docker buildx installed? On Debian/Ubuntu: apt-get install docker-buildx (or docker-buildx-plugin).',
    );
  }
}

export async function removeBuilder(name: string, env: Record<string, string>): Promise<string | undefined> {
  const result = await docker(['buildx', 'rm', name], { env, quiet: true });
  return result.exitCode === 0 ? undefined : `docker buildx rm ${name}: ${result.stderr.trim()}`;
}
