/**
 * STS (query protocol, XML): AssumeRoleWithWebIdentity verifies the GitHub OIDC token against the
 * issuer's JWKS and the trust policy of topology's ROLES; GetCallerIdentity answers for the signer.
 */
import type { IncomingMessage } from 'node:http';
import { type JsonWebKey, createPublicKey, verify } from 'node:crypto';
import { ROLES } from '../topology.js';
import { takeFault } from '../faults.js';
import { authenticate, idChars, issueCredentials } from './credentials.js';
import { AwsError, type XmlValue } from './protocol.js';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
/** IAM's default MaxSessionDuration for a role; the topology's roles do not raise it. */
const ROLE_MAX_SESSION_SECONDS = 3600;

/** Fetches the issuer's JWKS on first use and again only for an unknown `kid` (key rotation). */
export class JwksCache {
  private keys = new Map<string, JsonWebKey>();

  constructor(private readonly url: string) {}

  async key(kid: string): Promise<JsonWebKey | undefined> {
    if (!this.keys.has(kid)) await this.refresh();
    return this.keys.get(kid);
  }

  private async refresh(): Promise<void> {
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { keys } = (await res.json()) as { keys: (JsonWebKey & { kid: string })[] };
      this.keys = new Map(keys.map((k) => [k.kid, k]));
    } catch {
      // AWS answers an unreachable JWKS with this (transient) InvalidIdentityToken.
      throw new AwsError(
        'InvalidIdentityToken',
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
      );
    }
  }
}

interface JwtClaims {
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

function decodePart(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!value || typeof value !== 'object') throw new Error('not an object');
  return value as Record<string, unknown>;
}

async function verifyToken(token: string, jwks: JwksCache, issuer: string): Promise<JwtClaims> {
  const invalid = (message: string) => new AwsError('InvalidIdentityToken', message);
  const parts = token.split('.');
  let header: Record<string, unknown>;
  let claims: JwtClaims;
  try {
    if (parts.length !== 3) throw new Error('not three parts');
    header = decodePart(parts[0]!);
    claims = decodePart(parts[1]!);
  } catch {
    throw invalid('Token is not a valid JWT');
  }
  if (claims.iss !== issuer) {
    throw invalid(`No OpenIDConnect provider found in your account for ${String(claims.iss)}`);
  }
  const jwk = typeof header.kid === 'string' ? await jwks.key(header.kid) : undefined;
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (
    header.alg !== 'RS256' ||
    !jwk ||
    !verify(
      'sha256',
      signed,
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(parts[2]!, 'base64url'),
    )
  ) {
    throw invalid('Signature verification failed');
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) {
    throw new AwsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${now} must be before the expiration date/time ${String(claims.exp)}`,
    );
  }
  if (typeof claims.nbf === 'number' && claims.nbf > now + 60) throw invalid('Token is not yet valid');
  return claims;
}

/** IAM StringLike: `*` matches any run of characters, `?` one. */
function stringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

function validationError(problems: string[]): AwsError {
  const n = problems.length;
  return new AwsError(
    'ValidationError',
    `${n} validation error${n > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
  );
}

async function assumeRoleWithWebIdentity(params: URLSearchParams, jwks: JwksCache, issuer: string) {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const token = params.get('WebIdentityToken');
  const durationParam = params.get('DurationSeconds');
  const duration = durationParam === null ? 3600 : Number(durationParam);

  const problems: string[] = [];
  const constraint = (value: string | null, member: string, rule: string) =>
    problems.push(
      `Value ${value === null ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${rule}`,
    );
  if (roleArn === null) constraint(null, 'roleArn', 'Member must not be null');
  else if (roleArn.length < 20)
    constraint(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
  if (sessionName === null) constraint(null, 'roleSessionName', 'Member must not be null');
  else if (sessionName.length < 2 || sessionName.length > 64) {
    constraint(
      sessionName,
      'roleSessionName',
      `Member must have length ${sessionName.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 64'}`,
    );
  } else if (!SESSION_NAME.test(sessionName)) {
    constraint(
      sessionName,
      'roleSessionName',
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
    );
  }
  if (token === null) constraint(null, 'webIdentityToken', 'Member must not be null');
  if (!Number.isInteger(duration) || duration < 900) {
    constraint(durationParam, 'durationSeconds', 'Member must have value greater than or equal to 900');
  } else if (duration > 43200) {
    constraint(durationParam, 'durationSeconds', 'Member must have value less than or equal to 43200');
  }
  if (problems.length > 0) throw validationError(problems);

  const claims = await verifyToken(token!, jwks, issuer);
  const role = ROLES.find((r) => r.arn === roleArn);
  const arnMatch = roleArn!.match(ROLE_ARN);
  if (!role || !arnMatch) {
    throw new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(role.audience))
    throw new AwsError('InvalidIdentityToken', 'Incorrect token audience');
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  if (!role.subjects.some((pattern) => stringLike(pattern, sub))) {
    throw new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
  }
  if (duration > ROLE_MAX_SESSION_SECONDS) {
    throw new AwsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }

  const [, account, roleName] = arnMatch;
  const roleId = 'AROA' + idChars(role.arn, 17);
  const arn = `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
  const short = takeFault('sts:session');
  const credentials = issueCredentials(
    { account: account!, arn, userId: `${roleId}:${sessionName}`, roleArn: role.arn },
    short?.kind === 'session' ? (short.sessionSeconds ?? 5) : duration,
  );
  return {
    Credentials: { ...credentials },
    SubjectFromWebIdentityToken: sub,
    AssumedRoleUser: { AssumedRoleId: `${roleId}:${sessionName}`, Arn: arn },
    // AWS names the account's IAM OIDC provider for the token's issuer.
    Provider: `arn:aws:iam::${account}:oidc-provider/${issuer.replace(/^https?:\/\//, '')}`,
    Audience: role.audience,
  };
}

export interface StsCall {
  operation: string;
  run(): Promise<{ [name: string]: XmlValue }>;
}

/** Parses the query-protocol request (form body, or query string for GET). */
export function stsCall(
  req: IncomingMessage,
  body: Buffer,
  opts: { jwks: JwksCache; issuer: string },
): StsCall | undefined {
  const params =
    req.method === 'GET'
      ? new URL(req.url ?? '/', 'http://localhost').searchParams
      : new URLSearchParams(body.toString('utf8'));
  const operation = params.get('Action');
  if (!operation) return undefined;
  const run = async () => {
    if (params.get('Version') !== '2011-06-15') {
      throw new AwsError(
        'InvalidAction',
        `Could not find operation ${operation} for version ${params.get('Version')}`,
      );
    }
    switch (operation) {
      case 'AssumeRoleWithWebIdentity':
        return assumeRoleWithWebIdentity(params, opts.jwks, opts.issuer);
      case 'GetCallerIdentity': {
        const { principal } = authenticate(req, body, 'query');
        return { UserId: principal.userId, Account: principal.account, Arn: principal.arn };
      }
      default:
        authenticate(req, body, 'query');
        throw new AwsError('InvalidAction', `Could not find operation ${operation} for version 2011-06-15`);
    }
  };
  return { operation, run };
}
