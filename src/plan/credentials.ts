import { repositoryName } from '../context/repository-name.js';
import type { RunContext } from '../context/types.js';
import type { AuthInputs } from '../inputs/types.js';
import { hasOidc, missingOidcError } from '../aws/oidc.js';

/**
 * Where the AWS credentials come from, decided from the inputs and the environment alone: the one
 * place that decides whether the run may call AWS at all. Pure.
 */
export type CredentialPlan =
  | {
      source: 'web-identity';
      roleArn: string;
      sessionName: string;
      durationSeconds: number;
      audience: string;
      /** Outside GitHub (GitLab `id_tokens`, Buildkite, EKS): the JWT is read from this file. */
      tokenFile?: string;
      /** Outside GitHub (CircleCI): the variable that holds the JWT. */
      tokenVariable?: string;
    }
  /** `role-chaining`: the credentials in the environment call sts:AssumeRole. */
  | {
      source: 'assume-role';
      roleArn: string;
      sessionName: string;
      durationSeconds: number;
      externalId?: string;
    }
  | { source: 'default-chain'; note?: string }
  /**
   * No AWS call is made: a dry run without credentials in the environment, or act without OIDC
   * or keys (the run degrades to a dry run, and `reason` says so).
   */
  | { source: 'none'; reason?: string };

/** A plan that does call AWS. */
export type AwsCredentialPlan = Exclude<CredentialPlan, { source: 'none' }>;

/** Variables other CIs put a ready OIDC token in (CircleCI: V2 carries more claims). */
const TOKEN_VARIABLES = ['CIRCLE_OIDC_TOKEN_V2', 'CIRCLE_OIDC_TOKEN'];

const AWS_ENV_CREDENTIALS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/**
 * Whether the environment names AWS credentials for the SDK's default chain. (An
 * instance role or ~/.aws/credentials is only found by asking, which a dry run
 * without credentials must not do.)
 */
function hasAmbientCredentials(env: NodeJS.ProcessEnv): boolean {
  return AWS_ENV_CREDENTIALS.some((name) => env[name]);
}

export function planCredentials(
  auth: AuthInputs,
  ctx: RunContext,
  env: NodeJS.ProcessEnv,
  dryRun = false,
): CredentialPlan {
  // A dry run asks AWS (read-only) only when credentials are at hand.
  if (!auth.roleToAssume)
    return dryRun && !hasAmbientCredentials(env) ? { source: 'none' } : { source: 'default-chain' };
  // configure-aws-credentials: role chaining uses the credentials already there, OIDC or not.
  if (auth.roleChaining) {
    return {
      source: 'assume-role',
      roleArn: auth.roleToAssume,
      sessionName: auth.roleSessionName ?? defaultSessionName(ctx),
      durationSeconds: auth.roleDurationSeconds,
      externalId: auth.roleExternalId,
    };
  }
  const tokenFile = hasOidc(env) ? undefined : env.AWS_WEB_IDENTITY_TOKEN_FILE;
  const tokenVariable =
    hasOidc(env) || tokenFile ? undefined : TOKEN_VARIABLES.find((name) => env[name]?.trim());
  if (hasOidc(env) || tokenFile || tokenVariable) {
    return {
      tokenFile,
      tokenVariable,
      source: 'web-identity',
      roleArn: auth.roleToAssume,
      sessionName: auth.roleSessionName ?? defaultSessionName(ctx),
      durationSeconds: auth.roleDurationSeconds,
      audience: auth.audience,
    };
  }
  if (ctx.act) {
    if (hasAmbientCredentials(env)) {
      return {
        source: 'default-chain',
        note: `Running under act without OIDC: using the AWS credentials passed in; role-to-assume (${auth.roleToAssume}) is not assumed.`,
      };
    }
    return {
      source: 'none',
      reason:
        'Running under act, which has no OIDC, and no AWS credentials were passed: switching to a dry run. ' +
        'To push for real under act, pass credentials: `act --secret AWS_ACCESS_KEY_ID=... --secret AWS_SECRET_ACCESS_KEY=... --secret AWS_SESSION_TOKEN=...` ' +
        '(or `--env AWS_PROFILE=...` with your ~/.aws mounted).',
    };
  }
  // A dry run asked for explicitly plans without credentials rather than failing on them.
  if (dryRun) {
    return {
      source: 'none',
      reason: `Dry run without an OIDC token (role-to-assume ${auth.roleToAssume} needs \`permissions: id-token: write\` in a real run): no AWS call is made.`,
    };
  }
  throw missingOidcError(env);
}

/** The credentials of an extra registry with a role of its own: that role, or a clear failure. */
export function planRoleCredentials(
  auth: AuthInputs,
  roleArn: string,
  ctx: RunContext,
  env: NodeJS.ProcessEnv,
): AwsCredentialPlan {
  const plan = planCredentials({ ...auth, roleToAssume: roleArn }, ctx, env);
  if (plan.source === 'none') throw missingOidcError(env);
  return plan;
}

/** STS allows 2-64 characters of [\w+=,.@-]; GitHub repository names can hold others. */
export function defaultSessionName(ctx: RunContext): string {
  const repo = repositoryName(ctx) ?? 'repo';
  const raw = `GitHubActions-${repo}-${ctx.runId}-${ctx.runAttempt}`;
  const clean = raw.replace(/[^\w+=,.@-]/g, '-');
  return clean.length > 64 ? clean.slice(0, 64) : clean;
}
