import { loadSdk } from '../aws/load-sdk.js';
import { defaultSessionName } from '../plan/credentials.js';
import { fetchIdToken, readTokenFile } from '../aws/oidc.js';
import { unknownRegion } from '../aws/regions.js';
import { ActionError, AuthError } from '../errors.js';
import { resolveProxy } from '../net/proxy.js';
import { useProxy } from '../net/transport.js';
import type { RunReport } from '../report/run-report.js';
import { timed } from '../report/run-report.js';
import type { Runner } from '../runner/runner.js';
import type { AwsSession } from '../aws/session.js';
import type { Job } from './prepare.js';

/** What credentials need of the job (the CLI's `login` has no build, hence no full Job). */
export type Access = Pick<Job, 'inputs' | 'ctx' | 'credentials' | 'retry'>;

/** Step 1: AWS credentials from the job's OIDC token (AssumeRoleWithWebIdentity), or the default chain. */
export async function getAwsSession(
  job: Access,
  runner: Runner,
  report: RunReport,
  roleArn?: string,
): Promise<AwsSession> {
  const session = await assumeSession(job, runner, report, roleArn);
  checkAccount(job.inputs.auth, session, runner);
  return session;
}

/** configure-aws-credentials' `allowed-account-ids` and `mask-aws-account-id`. */
export function checkAccount(auth: Access['inputs']['auth'], session: AwsSession, runner: Runner): void {
  if (auth.maskAccountId && session.account) runner.mask(session.account);
  if (auth.allowedAccountIds.length > 0 && !auth.allowedAccountIds.includes(session.account)) {
    throw new AuthError(
      `The credentials belong to account ${auth.maskAccountId ? '***' : session.account || '(unknown)'}, which is not in allowed-account-ids (${auth.allowedAccountIds.length} listed).`,
      'Check role-to-assume (or the credentials in the environment), or add the account to `allowed-account-ids`.',
      'AccountNotAllowed',
    );
  }
}

async function assumeSession(
  job: Access,
  runner: Runner,
  report: RunReport,
  roleArn?: string,
): Promise<AwsSession> {
  const region = requireRegion(job);
  const unknown = roleArn === undefined ? unknownRegion(region) : undefined;
  if (unknown) runner.warning(`${unknown} Going on: AWS may have opened it after this version.`);
  const plan = job.credentials;
  await connectThroughProxy(job, runner);
  const a = job.inputs.auth;
  const policies = { inline: a.inlineSessionPolicy, managed: a.managedSessionPolicies };
  if (plan.source === 'assume-role') {
    const { assumeRole } = await loadSdk();
    return timed(report, 'sts', () =>
      assumeRole({
        ...plan,
        roleArn: roleArn ?? plan.roleArn,
        region,
        policies,
        mask: (value) => runner.mask(value),
        retry: job.retry,
      }),
    );
  }
  if (a.roleExternalId) {
    runner.warning(
      '`role-external-id` is used by sts:AssumeRole only (set `role-chaining: true`); AssumeRoleWithWebIdentity takes none, so it is ignored.',
    );
  }
  // An extra registry's own role: the same token source, a role of its own.
  const webIdentity =
    plan.source === 'web-identity'
      ? { ...plan, roleArn: roleArn ?? plan.roleArn }
      : roleArn
        ? {
            roleArn,
            sessionName: job.inputs.auth.roleSessionName ?? defaultSessionName(job.ctx),
            durationSeconds: job.inputs.auth.roleDurationSeconds,
            audience: job.inputs.auth.audience,
            tokenFile: undefined,
            tokenVariable: undefined,
          }
        : undefined;
  if (webIdentity) {
    const { tokenFile, tokenVariable, audience } = webIdentity;
    // No retry here: the STS loop retries, with a fresh token each attempt.
    const fetchToken = () =>
      timed(report, 'oidc', async () =>
        tokenFile
          ? readTokenFile(tokenFile)
          : tokenVariable
            ? (runner.env[tokenVariable] ?? '').trim()
            : fetchIdToken(runner.env, audience),
      );
    // The first token is requested before the SDK (most of the bundle) is loaded, so the
    // two overlap.
    let first: Promise<string> | undefined = fetchToken();
    first.catch(() => undefined); // awaited by the first attempt; not unhandled meanwhile
    const idToken = () => {
      const token = first ?? fetchToken();
      first = undefined;
      return token;
    };
    const { assumeRoleWithWebIdentity } = await loadSdk();
    return timed(report, 'sts', () =>
      assumeRoleWithWebIdentity({
        roleArn: webIdentity.roleArn,
        sessionName: webIdentity.sessionName,
        durationSeconds: webIdentity.durationSeconds,
        region,
        policies,
        idToken,
        mask: (value) => runner.mask(value),
        log: (line) => runner.info(line),
        retry: job.retry,
      }),
    );
  }
  if (plan.source === 'default-chain' && plan.note) runner.notice(plan.note);
  const { defaultChainSession } = await loadSdk();
  return timed(report, 'sts', () => defaultChainSession(region, job.retry));
}

/** Every request after this (OIDC, STS, ECR, the registry API) goes through the proxy, if one is set. */
async function connectThroughProxy(job: Pick<Job, 'inputs'>, runner: Runner): Promise<void> {
  const proxy = resolveProxy(job.inputs.network, runner.env);
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
