import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  type AssumeRoleResponse,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AuthError } from '../errors.js';
import {
  CONNECT_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  VERIFICATION_KEY,
  withRetry,
  type RetryPolicy,
} from '../retry.js';
import { withTransport } from '../net/transport.js';
import { explainAwsError } from './aws-errors.js';

/** Credentials in the process (never exported unless asked) and who they belong to. */
export interface AwsSession {
  /**
   * What SDK clients sign with: the assumed role's credentials, renewed (a fresh OIDC token, the
   * role assumed again) when they near expiry. Undefined: the SDK's default chain.
   */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The credentials STS issued first: what `export-credentials` hands to later steps. */
  issued?: AwsCredentialIdentity;
  /** An AWS answer said the credentials expired: the next call renews them. */
  expire?: () => void;
  account: string;
  arn: string;
}

/**
 * Credentials that renew themselves: `renew()` runs when less than a quarter of their lifetime
 * (at most 5 minutes) is left, or after `expire()`; concurrent calls share one renewal. A build
 * longer than `role-duration-seconds` thus keeps working after the push.
 */
export function renewingCredentials(
  first: AwsCredentialIdentity,
  renew: () => Promise<AwsCredentialIdentity>,
  now: () => number = Date.now,
): Pick<AwsSession, 'credentials' | 'expire'> {
  let current = first;
  let issuedAt = now();
  let renewing: Promise<AwsCredentialIdentity> | undefined;
  const nearExpiry = () => {
    const expiresAt = current.expiration?.getTime();
    if (expiresAt === undefined) return false;
    const margin = Math.min(5 * 60_000, (expiresAt - issuedAt) / 4);
    return expiresAt - now() < margin;
  };
  const credentials = async () => {
    if (!nearExpiry()) return current;
    renewing ??= renew()
      .then((fresh) => {
        current = fresh;
        issuedAt = now();
        return fresh;
      })
      .finally(() => {
        renewing = undefined;
      });
    return renewing;
  };
  const expire = () => {
    current = { ...current, expiration: new Date(0) };
  };
  return { credentials, expire };
}

/**
 * SDK clients never retry on their own: src/retry.ts does, with one policy and a log line per retry
 * (it explains why). Every call has a connect and a request timeout; a timeout is retried there.
 */
export const SDK_DEFAULTS = {
  maxAttempts: 1,
  requestHandler: {
    connectionTimeout: CONNECT_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  },
} as const;

/** configure-aws-credentials' session policies, passed to AssumeRole(WithWebIdentity) as they are. */
interface SessionPolicies {
  /** `inline-session-policy`: a JSON policy document. */
  inline?: string;
  /** `managed-session-policies`: managed policy ARNs. */
  managed: string[];
}

function policyParams(policies: SessionPolicies | undefined) {
  return {
    Policy: policies?.inline,
    PolicyArns: policies?.managed.length ? policies.managed.map((arn) => ({ arn })) : undefined,
  };
}

export interface WebIdentityRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  region: string;
  policies?: SessionPolicies;
  /** Called once per attempt: a fresh JWT each time (a token can expire or be spent while we back off). */
  idToken: () => Promise<string>;
  mask: (value: string) => void;
  retry: RetryPolicy;
  /** Where a renewal of the session is reported. */
  log: (line: string) => void;
}

/** The role assumed with the job's OIDC token; the credentials renew themselves near expiry. */
export async function assumeRoleWithWebIdentity(req: WebIdentityRequest): Promise<AwsSession> {
  const first = await assumeOnce(req);
  const renew = async () => {
    req.log(
      `The AWS session for ${req.roleArn} is about to expire: assuming the role again with a fresh OIDC token.`,
    );
    return (await assumeOnce(req)).credentials;
  };
  return {
    ...renewingCredentials(first.credentials, renew),
    issued: first.credentials,
    account: first.arn.split(':')[4] ?? '',
    arn: first.arn,
  };
}

/** One AssumeRoleWithWebIdentity (retried with a fresh token per attempt); every credential masked. */
async function assumeOnce(
  req: WebIdentityRequest,
): Promise<{ credentials: AwsCredentialIdentity; arn: string }> {
  const sts = new STSClient(withTransport({ region: req.region, ...SDK_DEFAULTS, credentials: anonymous }));
  let token = '';
  try {
    const out = await withRetry(
      'sts:AssumeRoleWithWebIdentity',
      async () => {
        token = await req.idToken();
        req.mask(token);
        return sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: req.roleArn,
            RoleSessionName: req.sessionName,
            DurationSeconds: req.durationSeconds,
            WebIdentityToken: token,
            ...policyParams(req.policies),
          }),
        );
      },
      req.retry,
    );
    return issuedCredentials(out, req.roleArn, req.mask, 'AssumeRoleWithWebIdentity');
  } catch (error) {
    throw explainStsError(error, req.roleArn, token, req.region);
  } finally {
    sts.destroy();
  }
}

/** The credentials an STS answer holds, masked before anything else sees them. */
function issuedCredentials(
  out: Pick<AssumeRoleResponse, 'Credentials' | 'AssumedRoleUser'>,
  roleArn: string,
  mask: (value: string) => void,
  operation: string,
): { credentials: AwsCredentialIdentity; arn: string } {
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new AuthError(`STS ${operation} returned no credentials.`, undefined, 'StsNoCredentials');
  }
  for (const secret of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken]) mask(secret);
  return {
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    },
    arn: out.AssumedRoleUser?.Arn ?? roleArn,
  };
}

interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  region: string;
  externalId?: string;
  policies?: SessionPolicies;
  mask: (value: string) => void;
  retry: RetryPolicy;
}

/**
 * `role-chaining`: the credentials already in the environment (the default chain: an earlier
 * configure-aws-credentials step, keys, a profile) assume the role with sts:AssumeRole. No renewal:
 * the chain's own credentials may not outlive this session either.
 */
export async function assumeRole(req: AssumeRoleRequest): Promise<AwsSession> {
  const sts = new STSClient(withTransport({ region: req.region, ...SDK_DEFAULTS }));
  try {
    const out = await withRetry(
      'sts:AssumeRole',
      () =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: req.roleArn,
            RoleSessionName: req.sessionName,
            DurationSeconds: req.durationSeconds,
            ExternalId: req.externalId,
            ...policyParams(req.policies),
          }),
        ),
      req.retry,
    );
    const { credentials, arn } = issuedCredentials(out, req.roleArn, req.mask, 'AssumeRole');
    return { credentials, issued: credentials, account: arn.split(':')[4] ?? '', arn };
  } catch (error) {
    if ((error as Error).name.replace(/Exception$/, '') === 'AccessDenied') {
      throw new AuthError(
        `Not authorized to assume ${req.roleArn} with the credentials in the environment (role-chaining): ${(error as Error).message}`,
        "Check the role's trust policy names the principal of the current credentials (Action sts:AssumeRole, and sts:ExternalId if the trust policy requires one).",
        'StsAccessDenied',
      );
    }
    throw explainAwsError(error, 'sts:AssumeRole', req.region, authError);
  } finally {
    sts.destroy();
  }
}

/** The default credential chain (env keys, profile, web identity file, instance role): who am I. */
export async function defaultChainSession(region: string, retry: RetryPolicy): Promise<AwsSession> {
  const sts = new STSClient(withTransport({ region, ...SDK_DEFAULTS }));
  try {
    const me = await withRetry(
      'sts:GetCallerIdentity',
      () => sts.send(new GetCallerIdentityCommand({})),
      retry,
    );
    return { account: me.Account ?? '', arn: me.Arn ?? '' };
  } catch (error) {
    const name = (error as Error).name;
    if (
      name === 'CredentialsProviderError' ||
      /Could not load credentials/.test(String((error as Error).message))
    ) {
      throw new AuthError(
        'No AWS credentials found: `role-to-assume` is not set and the default credential chain found none.',
        'Set `role-to-assume` (with `permissions: id-token: write`), or provide credentials in the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN).',
        'NoCredentials',
      );
    }
    throw explainAwsError(error, 'sts:GetCallerIdentity', region, authError);
  } finally {
    sts.destroy();
  }
}

// AssumeRoleWithWebIdentity is unsigned; an explicit empty identity stops the SDK from
// walking the default chain first.
const anonymous = async (): Promise<AwsCredentialIdentity> => ({ accessKeyId: '', secretAccessKey: '' });

/** Claims worth showing (never the token): they are what trust policies match on. */
function claims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}

function explainStsError(error: unknown, roleArn: string, token: string, region: string): unknown {
  const err = error as Error;
  const c = claims(token);
  const seen = `token sub=${JSON.stringify(c.sub ?? '?')}, aud=${JSON.stringify(c.aud ?? '?')}`;
  // The SDK names STS errors by class: InvalidIdentityToken arrives as InvalidIdentityTokenException.
  switch (err.name.replace(/Exception$/, '')) {
    case 'AccessDenied':
      return new AuthError(
        `Not authorized to assume ${roleArn} with web identity (${seen}): ${err.message}`,
        `Check the role's trust policy: Principal Federated token.actions.githubusercontent.com, Action sts:AssumeRoleWithWebIdentity, and conditions on token.actions.githubusercontent.com:sub matching ${JSON.stringify(c.sub ?? 'repo:OWNER/REPO:...')} and :aud = ${JSON.stringify(c.aud ?? 'sts.amazonaws.com')}. Also check the role ARN and account.`,
        'StsAccessDenied',
      );
    case 'InvalidIdentityToken':
      return new AuthError(
        `STS rejected the OIDC token for ${roleArn} (${seen}): ${err.message}`,
        VERIFICATION_KEY.test(err.message)
          ? "STS could not fetch the identity provider's signing keys, on every attempt: a problem on AWS's or the provider's side, not in this workflow. Re-run the job later."
          : /audience/i.test(err.message)
            ? 'The `audience` input must match the audience in the IAM OIDC provider and the trust policy (usually sts.amazonaws.com).'
            : "Check that the IAM OIDC identity provider for token.actions.githubusercontent.com exists in the role's account.",
        'StsInvalidIdentityToken',
      );
    case 'ExpiredToken':
      return new AuthError(
        `The OIDC token expired before STS accepted it: ${err.message}`,
        'Token lifetimes are short: check the runner clock, or re-run the job.',
        'StsExpiredToken',
      );
    case 'ValidationError':
      return new AuthError(
        `STS refused the request: ${err.message}`,
        "Check `role-session-name` (2-64 of [\\w+=,.@-]) and `role-duration-seconds` (900-43200, at most the role's maximum session duration).",
        'StsValidation',
      );
    default:
      return explainAwsError(error, 'sts:AssumeRoleWithWebIdentity', region, authError);
  }
}

const authError = (message: string, hint: string | undefined, code: string) =>
  new AuthError(message, hint, code);
