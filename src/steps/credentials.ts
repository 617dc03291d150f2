import { matchingEarlyToken, type EarlyIdToken } from '../aws/early-id-token.js';
import { loadSdk } from '../aws/load-sdk.js';
import { fetchIdToken, readTokenFile } from '../aws/oidc.js';
import { unknownRegion } from '../aws/regions.js';
import type { AwsSession } from '../aws/session.js';
import { ActionError, AuthError } from '../errors.js';
import type { AuthInputs, Inputs, NetworkInputs } from '../inputs/types.js';
import { resolveProxy } from '../net/proxy.js';
import { useProxy } from '../net/transport.js';
import type { AwsCredentialPlan } from '../plan/credentials.js';
import { addTiming, timed, type RunLog } from '../report/log.js';
import type { RetryPolicy } from '../retry.js';
import type { Runner } from '../runner/runner.js';
import type { Job } from './prepare.js';

type SessionRunner = Pick<Runner, 'env' | 'mask' | 'notice' | 'info' | 'warning'>;

/**
 * Step 1: AWS credentials for one plan: AssumeRoleWithWebIdentity with the job's OIDC token
 * (or a token file or variable), sts:AssumeRole with the credentials already there
 * (`role-chaining`), or the SDK's default chain; then the account checks.
 */
export async function openSession(
  plan: AwsCredentialPlan,
  region: string,
  auth: AuthInputs,
  retry: RetryPolicy,
  runner: SessionRunner,
  log: RunLog,
  early?: EarlyIdToken,
): Promise<AwsSession> {
  const session = await assumeSession({ plan, region, auth, retry, runner, log, early });
  checkAccount(auth, session, runner);
  return session;
}

/**
 * What the action and `login` both do before their first AWS call, for a parsed job's inputs:
 * the proxy installed, the region checked, the session opened. Each caller picks the plan
 * (the action may have none; `login` falls back to the default chain) and says what it got.
 * The region comes back too: both name the registry host with it.
 */
export async function sessionForInputs(
  plan: AwsCredentialPlan,
  inputs: Inputs,
  retry: RetryPolicy,
  runner: SessionRunner,
  log: RunLog,
  early?: EarlyIdToken,
): Promise<{ session: AwsSession; region: string }> {
  await connectThroughProxy(inputs.network, runner);
  const region = awsRegion({ inputs }, runner);
  const session = await openSession(plan, region, inputs.auth, retry, runner, log, early);
  return { session, region };
}

/** configure-aws-credentials' `allowed-account-ids` and `mask-aws-account-id`. */
export function checkAccount(auth: AuthInputs, session: AwsSession, runner: Pick<Runner, 'mask'>): void {
  if (auth.maskAccountId && session.account) runner.mask(session.account);
  if (auth.allowedAccountIds.length > 0 && !auth.allowedAccountIds.includes(session.account)) {
    throw new AuthError(
      `The credentials belong to account ${auth.maskAccountId ? '***' : session.account || '(unknown)'}, which is not in allowed-account-ids (${auth.allowedAccountIds.length} listed).`,
      'Check role-to-assume (or the credentials in the environment), or add the account to `allowed-account-ids`.',
      'AccountNotAllowed',
    );
  }
}

/** What one role assumption needs: openSession's parameters, passed on as one value. */
interface SessionRequest {
  plan: AwsCredentialPlan;
  region: string;
  auth: AuthInputs;
  retry: RetryPolicy;
  runner: SessionRunner;
  log: RunLog;
  /** The OIDC token the entry asked for as the step started, if it did. */
  early?: EarlyIdToken;
}

async function assumeSession({
  plan,
  region,
  auth,
  retry,
  runner,
  log,
  early: asked,
}: SessionRequest): Promise<AwsSession> {
  const policies = { inline: auth.inlineSessionPolicy, managed: auth.managedSessionPolicies };
  if (plan.source === 'assume-role') {
    const { assumeRole } = await loadSdk();
    return timed(log, 'sts', () =>
      assumeRole({ ...plan, region, policies, mask: (value) => runner.mask(value), retry }),
    );
  }
  if (plan.source === 'web-identity') {
    if (auth.roleExternalId) {
      runner.warning(
        '`role-external-id` is used by sts:AssumeRole only (set `role-chaining: true`); AssumeRoleWithWebIdentity takes none, so it is ignored.',
      );
    }
    const { tokenFile, tokenVariable, audience } = plan;
    // No retry here: the STS loop retries, with a fresh token each attempt.
    const fetchToken = () =>
      timed(log, 'oidc', async () =>
        tokenFile
          ? readTokenFile(tokenFile)
          : tokenVariable
            ? (runner.env[tokenVariable] ?? '').trim()
            : fetchIdToken(runner.env, audience),
      );
    // The first token was asked for as the step started, or is asked for now, before the SDK
    // (most of the bundle) is loaded: either way the request and the loading overlap.
    const early = tokenFile || tokenVariable ? undefined : matchingEarlyToken(asked, runner.env, audience);
    let first: Promise<string> | undefined = early
      ? early.token.finally(() => addTiming(log, 'oidc', early.ms ?? 0))
      : fetchToken();
    first.catch(() => undefined); // awaited by the first attempt; not unhandled meanwhile
    const idToken = () => {
      const token = first ?? fetchToken();
      first = undefined;
      return token;
    };
    const { assumeRoleWithWebIdentity } = await loadSdk();
    return timed(log, 'sts', () =>
      assumeRoleWithWebIdentity({
        roleArn: plan.roleArn,
        sessionName: plan.sessionName,
        durationSeconds: plan.durationSeconds,
        region,
        policies,
        idToken,
        mask: (value) => runner.mask(value),
        log: (line) => runner.info(line),
        retry,
      }),
    );
  }
  if (plan.note) runner.notice(plan.note);
  const { defaultChainSession } = await loadSdk();
  return timed(log, 'sts', () => defaultChainSession(region, retry));
}

/** The region AWS is called in; one this version does not know only warns (AWS opens new ones). */
function awsRegion(job: Pick<Job, 'inputs'>, runner: Pick<Runner, 'warning'>): string {
  const region = requireRegion(job);
  const unknown = unknownRegion(region);
  if (unknown) runner.warning(`${unknown} Going on: AWS may have opened it after this version.`);
  return region;
}

/** Every request after this (OIDC, STS, ECR, the registry API) goes through the proxy, if one is set. */
async function connectThroughProxy(
  network: NetworkInputs,
  runner: Pick<Runner, 'env' | 'mask'>,
): Promise<void> {
  const proxy = resolveProxy(network, runner.env);
  for (const url of [proxy?.https, proxy?.http]) {
    const password = url && decodeURIComponent(new URL(url).password);
    if (password) runner.mask(password);
  }
  await useProxy(proxy);
}

export function requireRegion(job: Pick<Job, 'inputs'>): string {
  const region = job.inputs.auth.region;
  if (!region) {
    throw new ActionError(
      'No AWS region: `aws-region` is not set, `registry` is not an ECR host, and AWS_REGION is not set.',
      'Set `aws-region: eu-west-1` (the region of your ECR registry).',
      'NoRegion',
    );
  }
  return region;
}

/** `export-credentials: true`: later steps get the session as AWS_* variables (masked already). */
export function exportCredentials(session: AwsSession, region: string, runner: Runner): void {
  const c = session.issued;
  if (!c) {
    runner.warning(
      'export-credentials: the credentials come from the default chain, which later steps use as they are; nothing exported.',
    );
    return;
  }
  runner.exportVariable('AWS_ACCESS_KEY_ID', c.accessKeyId);
  runner.exportVariable('AWS_SECRET_ACCESS_KEY', c.secretAccessKey);
  if (c.sessionToken) runner.exportVariable('AWS_SESSION_TOKEN', c.sessionToken);
  runner.exportVariable('AWS_REGION', region);
}
