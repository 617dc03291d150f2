/**
 * Stand-in for GitHub's OIDC token service (`ACTIONS_ID_TOKEN_REQUEST_URL`): checks the request
 * bearer token, issues RS256 JWTs with GitHub's claim set and serves discovery + JWKS documents
 * so that the AWS emulator verifies tokens the way STS does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type KeyObject, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { addedLatency, record, takeFault } from './faults.js';
import { GITHUB_REPOSITORY } from './topology.js';

/** Claim overrides set through the control API; `expiresIn` (seconds, may be negative) sets `exp`. */
export type OidcOverrides = Record<string, unknown> & { expiresIn?: number };

let overrides: OidcOverrides = {};

/** Replaces the overrides; a claim set to null is left out of the token. */
export function setOidcOverrides(next: OidcOverrides): void {
  overrides = { ...next };
}

export function resetOidcOverrides(): void {
  overrides = {};
}

export interface OidcIssuer {
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL (already carries a query, as GitHub's does). */
  url: string;
  jwksUrl: string;
  issuer: string;
  close(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Every token handed out, so the leak test knows what to look for. */
const issuedTokens: string[] = [];

export function issuedIdTokens(): string[] {
  return [...issuedTokens];
}

function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
  const token = `${header}.${payload}.${base64url(signature)}`;
  issuedTokens.push(token);
  return token;
}

function githubClaims(issuer: string, audience: string | null): Record<string, unknown> {
  const [owner] = GITHUB_REPOSITORY.split('/');
  const { expiresIn = 300, ...claimOverrides } = overrides;
  const ref = typeof claimOverrides.ref === 'string' ? claimOverrides.ref : 'refs/heads/main';
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    // GitHub derives sub from the ref for plain (non-environment) jobs.
    sub: `repo:${GITHUB_REPOSITORY}:ref:${ref}`,
    aud: audience ?? `https://github.com/${owner}`,
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    repository: GITHUB_REPOSITORY,
    repository_owner: owner,
    repository_visibility: 'private',
    actor: 'octocat',
    run_id: '1234567890',
    run_number: '42',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    workflow: 'build',
    event_name: 'push',
    job_workflow_ref: `${GITHUB_REPOSITORY}/.github/workflows/build.yml@${ref}`,
    iss: issuer,
    nbf: now - 5,
    iat: now,
    exp: now + expiresIn,
  };
  for (const [name, value] of Object.entries(claimOverrides)) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startOidcIssuer(opts: { port: number; requestToken: string }): Promise<OidcIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let issuer = '';

  const serveToken = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const fault = takeFault('oidc:token');
    const faultName = fault && `${fault.kind}${fault.status ? ` ${fault.status}` : ''}`;
    res.on('close', () =>
      record({
        service: 'oidc',
        operation: 'token',
        status: res.headersSent ? res.statusCode : 0,
        fault: faultName,
      }),
    );
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));
    await addedLatency('oidc');
    if (fault?.kind === 'status') {
      return sendJson(res, fault.status ?? 500, { message: fault.message ?? 'Internal Server Error' });
    }
    if (req.headers.authorization !== `Bearer ${opts.requestToken}`) {
      return sendJson(res, 401, { message: 'Bad credentials' });
    }
    sendJson(res, 200, {
      value: signJwt(githubClaims(issuer, url.searchParams.get('audience')), privateKey, kid),
    });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method !== 'GET') return sendJson(res, 405, { message: 'Method Not Allowed' });
    switch (url.pathname) {
      case '/token':
        return void serveToken(req, res, url).catch((err: unknown) => {
          if (!res.headersSent) sendJson(res, 500, { message: String(err) });
        });
      case '/.well-known/openid-configuration':
        return sendJson(res, 200, {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks`,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'sha'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid'],
        });
      case '/.well-known/jwks':
        return sendJson(res, 200, { keys: [jwk] });
      default:
        return sendJson(res, 404, { message: 'Not Found' });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${issuer}/token?api-version=2.0`,
    jwksUrl: `${issuer}/.well-known/jwks`,
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
