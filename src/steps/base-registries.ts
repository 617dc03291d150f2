import { resolveTarget } from '../aws/registry-host.js';
import { registryLogin } from '../aws/registry-login.js';
import type { AwsSession } from '../aws/session.js';
import { remainingBaseLogins } from '../plan/base-logins.js';
import { timed, type RunLog } from '../report/log.js';
import type { Runner } from '../runner/runner.js';
import type { RegistryLogin } from '../types/registry.js';
import { openSession } from './credentials.js';
import type { Job } from './prepare.js';
import type { OpenRegistry } from './registry.js';

/**
 * `base-registries`, before the build: the credentials for each registry the build pulls from,
 * one token per region and role (all asked for at once), the primary's where it covers them.
 * Returns what goes into the job-private docker config; nothing is pushed there.
 */
export async function openBaseRegistries(
  job: Job,
  session: AwsSession,
  primary: OpenRegistry,
  runner: Pick<Runner, 'env' | 'mask' | 'info' | 'warning' | 'notice'>,
  log: RunLog,
): Promise<{ host: string; login: RegistryLogin }[]> {
  const mask = (value: string) => runner.mask(value);
  const planned = remainingBaseLogins(job.bases, primary.target);
  const tokens = await Promise.all(
    planned.map(async ({ login, credentials, usePrimaryToken }) => {
      if (usePrimaryToken && primary.login) return primary.login;
      const own = credentials
        ? await openSession(credentials, login.region, job.inputs.auth, job.retry, runner, log)
        : session;
      const target = resolveTarget(login.registry, job.repository, login.region, own.account);
      const token = await timed(log, 'ecr', () => registryLogin(target, own, job.retry, mask));
      log.awsCalls.push(login.public ? 'ecr-public:GetAuthorizationToken' : 'ecr:GetAuthorizationToken');
      return token;
    }),
  );
  return planned.flatMap(({ login }, i) => login.hosts.map((host) => ({ host, login: tokens[i]! })));
}
