/**
 * Credentials the emulator knows: the static keys of the default credential chain and the temporary
 * ones AssumeRoleWithWebIdentity issued. `authenticate` checks a signed request like AWS does: known
 * access key, matching session token, unexpired, fresh X-Amz-Date, valid signature.
 */
import type { IncomingMessage } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { STATIC_KEYS } from '../topology.js';
import { AwsError, parseAmzDate, parseSigV4, verifySigV4 } from './protocol.js';

export interface Principal {
  account: string;
  arn: string;
  userId: string;
  /** The role a session was assumed from: its policy applies (aws/iam.ts). */
  roleArn?: string;
}

interface KeyRecord extends Principal {
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

const issued = new Map<string, KeyRecord>();

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Upper-case id characters like AWS's key and principal ids, derived from `seed` (stable) or random. */
export function idChars(seed: string | undefined, length: number): string {
  const bytes = seed === undefined ? randomBytes(length) : createHash('sha256').update(seed).digest();
  return [...bytes.subarray(0, length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

const STATIC: KeyRecord = {
  account: STATIC_KEYS.account,
  arn: STATIC_KEYS.arn,
  userId: 'AIDA' + idChars(STATIC_KEYS.arn, 17),
  secretAccessKey: STATIC_KEYS.secretAccessKey,
};

export function issueCredentials(principal: Principal, durationSeconds: number): IssuedCredentials {
  const creds: IssuedCredentials = {
    AccessKeyId: 'ASIA' + idChars(undefined, 16),
    SecretAccessKey: randomBytes(30).toString('base64'),
    SessionToken: randomBytes(180).toString('base64'),
    Expiration: new Date(Math.floor(Date.now() / 1000 + durationSeconds) * 1000),
  };
  issued.set(creds.AccessKeyId, {
    ...principal,
    secretAccessKey: creds.SecretAccessKey,
    sessionToken: creds.SessionToken,
    expiration: creds.Expiration,
  });
  return creds;
}

/** Every secret the emulator handed out (the leak test scans the action's output for them). */
export function issuedSecrets(): string[] {
  return [...issued.entries()]
    .flatMap(([id, r]) => [id, r.secretAccessKey, r.sessionToken ?? ''])
    .filter(Boolean);
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Error codes differ between the query protocol (STS) and the JSON services. */
const CODES = {
  query: {
    missing: ['MissingAuthenticationToken', 'Request is missing Authentication Token', 403],
    invalid: ['InvalidClientTokenId', 'The security token included in the request is invalid.', 403],
    expired: ['ExpiredToken', 'The security token included in the request is expired', 400],
    signature: ['SignatureDoesNotMatch', SIGNATURE_MISMATCH, 403],
  },
  json: {
    missing: ['MissingAuthenticationTokenException', 'Missing Authentication Token', 400],
    invalid: ['UnrecognizedClientException', 'The security token included in the request is invalid.', 400],
    expired: ['ExpiredTokenException', 'The security token included in the request is expired', 400],
    signature: ['InvalidSignatureException', SIGNATURE_MISMATCH, 400],
  },
} as const;

/** SigV4 tolerates 15 minutes of clock skew. */
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface Authenticated {
  principal: Principal;
  /** Region of the SigV4 credential scope: the region the SDK client was configured with. */
  region: string;
}

export function authenticate(req: IncomingMessage, body: Buffer, protocol: 'query' | 'json'): Authenticated {
  const fail = (kind: keyof (typeof CODES)['json']): never => {
    const [code, message, status] = CODES[protocol][kind];
    throw new AwsError(code, message, status);
  };
  const sig = parseSigV4(req.headers.authorization);
  if (!sig) return fail('missing');
  const key = sig.accessKeyId === STATIC_KEYS.accessKeyId ? STATIC : issued.get(sig.accessKeyId);
  if (!key) return fail('invalid');
  if (key.sessionToken !== undefined && req.headers['x-amz-security-token'] !== key.sessionToken)
    return fail('invalid');
  if (key.expiration && key.expiration.getTime() <= Date.now()) return fail('expired');
  const signedAt = parseAmzDate(String(req.headers['x-amz-date'] ?? ''));
  if (!signedAt || Math.abs(signedAt.getTime() - Date.now()) > MAX_SKEW_MS) {
    const [code, , status] = CODES[protocol].signature;
    throw new AwsError(code, 'Signature expired: the request time is too far from the server time.', status);
  }
  if (!verifySigV4(req, body, sig, key.secretAccessKey)) return fail('signature');
  const { account, arn, userId, roleArn } = key;
  return { principal: { account, arn, userId, ...(roleArn ? { roleArn } : {}) }, region: sig.region };
}
