/**
 * `login`: credentials, one authorization token, and `docker login` into the user's own docker
 * config, for scripts that push themselves. Needs no Dockerfile, no git and no tags: only the
 * credential and target inputs are used. Read-only: it creates nothing in AWS.
 */
import { resolveTarget } from '../aws/registry-host.js';
import { registryLogin } from '../aws/registry-login.js';
import { readRunContext } from '../context/github-context.js';
import { repositoryName } from '../context/repository-name.js';
import { dockerEnv } from '../docker/job-dir.js';
import { dockerLogin } from '../docker/login.js';
import { parseInputs } from '../inputs/parse.js';
import { readOptional } from '../inputs/parsers.js';
import { planCredentials } from '../plan/credentials.js';
import { newLog } from '../report/log.js';
import type { Runner } from '../runner/runner.js';
import { sessionForInputs } from '../steps/credentials.js';
import { retryPolicy, type PrepareDeps } from '../steps/prepare.js';

export async function login(runner: Runner, deps: PrepareDeps): Promise<void> {
  const env = runner.env;
  const inputs = parseInputs((name) => runner.input(name), env, deps.fs, { building: false });
  const ctx = readRunContext(env, (path) => readOptional(deps.fs, path), deps.now());
  const retry = retryPolicy(inputs, runner);
  // `login` is never a dry run: with no credentials in sight the default chain says so.
  const plan = planCredentials(inputs.auth, ctx, env);
  const credentials = plan.source === 'none' ? { source: 'default-chain' as const } : plan;
  const { session, region } = await sessionForInputs(credentials, inputs, retry, runner, newLog());
  const repository = inputs.target.repository ?? repositoryName(ctx)?.toLowerCase() ?? '';
  // The host and the token as the action decides them; only the docker config differs: the
  // user's own (dockerEnv without a job dir), which is what `login` is for.
  const target = resolveTarget(inputs.target.registry, repository, region, session.account);
  const login = await registryLogin(target, session, retry, (value) => runner.mask(value));
  await dockerLogin(target.host, login, dockerEnv(env), retry);
  runner.setOutput('registry', target.host);
  runner.setOutput('repository-uri', repository ? target.uri : '');
  runner.setOutput('aws-account-id', session.account);
}
