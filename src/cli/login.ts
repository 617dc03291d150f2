/**
 * `login`: credentials, one authorization token, and `docker login` into the user's own docker
 * config, for scripts that push themselves. Needs no Dockerfile, no git and no tags: only the
 * credential and target inputs are used. Read-only: it creates nothing in AWS.
 */
import { loadSdk } from '../aws/load-sdk.js';
import { resolveTarget } from '../aws/registry-host.js';
import { readRunContext } from '../context/github-context.js';
import { dockerEnv } from '../docker/job-dir.js';
import { dockerLogin } from '../docker/login.js';
import { planCredentials } from '../plan/credentials.js';
import { parseInputs } from '../inputs/parse.js';
import { emptyReport } from '../report/run-report.js';
import type { Runner } from '../runner/runner.js';
import { getAwsSession, requireRegion, type Access } from '../steps/credentials.js';
import { retryPolicy, type PrepareDeps } from '../steps/prepare.js';

export async function login(runner: Runner, deps: PrepareDeps): Promise<void> {
  const env = runner.env;
  const inputs = parseInputs((name) => runner.input(name), env, deps.fs, { building: false });
  const ctx = readRunContext(
    env,
    (path) => (deps.fs.exists(path) ? deps.fs.readFile(path) : undefined),
    deps.now(),
  );
  const access: Access = {
    inputs,
    ctx,
    credentials: planCredentials(inputs.auth, ctx, env),
    retry: retryPolicy(inputs, runner),
  };
  const session = await getAwsSession(access, runner, emptyReport(false));
  const repository = inputs.target.repository ?? ctx.repository.split('/').pop()?.toLowerCase() ?? '';
  const target = resolveTarget(inputs.target.registry, repository, requireRegion(access), session.account);
  const mask = (value: string) => runner.mask(value);
  const registryLogin =
    target.kind === 'public'
      ? await (await import('../aws/ecr-public.js')).publicLogin(session, access.retry, mask)
      : await new (await loadSdk()).Ecr(target, session, access.retry).login(mask);
  await dockerLogin(target.host, registryLogin, dockerEnv(env), access.retry);
  runner.setOutput('registry', target.host);
  runner.setOutput('repository-uri', repository ? target.uri : '');
  runner.setOutput('aws-account-id', session.account);
}
