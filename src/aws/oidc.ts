import { readFile } from 'node:fs/promises';
import { AuthError } from '../errors.js';
import { readBody, type HttpAnswer } from '../net/http-client.js';
import { httpSend } from '../net/transport.js';
import { isRetryableStatus } from '../retry.js';

/**
 * Fetches the job's OIDC token for `audience` from the runner's token service.
 *
 * Written here instead of @actions/core's getIDToken: that pulls @actions/http-client
 * and undici into the bundle (~400 KB, ~100 ms of start-up) for one GET (see net/http-client.ts).
 */
export async function fetchIdToken(
  env: NodeJS.ProcessEnv,
  audience: string,
  onSent?: () => void,
): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) throw missingOidcError(env);
  const target = new URL(url);
  target.searchParams.set('audience', audience);
  let res: HttpAnswer;
  try {
    res = await httpSend(target, {
      headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
      timeoutMs: OIDC_TIMEOUT_MS,
      onSent,
    });
  } catch (error) {
    throw unreachable(target.host, error);
  }
  if (!res.ok) {
    res.body.destroy();
    const error = new AuthError(
      `The OIDC token request failed with HTTP ${res.status} ${res.statusText}.`,
      res.status === 401 || res.status === 403
        ? 'The request token was refused: check that the job has `permissions: id-token: write`.'
        : undefined,
      'OidcRequestFailed',
    );
    Object.assign(error, { retryable: isRetryableStatus(res.status) });
    throw error;
  }
  let body: { value?: string };
  try {
    const text = await readBody(res).catch((error: unknown) => {
      throw unreachable(target.host, error);
    });
    body = JSON.parse(text.toString('utf8')) as { value?: string };
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError(
      'The OIDC token service answered with something that is not JSON.',
      undefined,
      'OidcBadAnswer',
    );
  }
  if (!body.value)
    throw new AuthError('The OIDC token service answered without a token.', undefined, 'OidcEmptyToken');
  return body.value;
}

/** configure-aws-credentials' default `audience`: what STS expects of GitHub's tokens. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

/** The token service answers in well under a second; a black-holed one must not hold the job. */
const OIDC_TIMEOUT_MS = 10_000;

/** A token service that cannot be reached or does not answer: worth another attempt. */
function unreachable(host: string, error: unknown): AuthError {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const why =
    e.name === 'TimeoutError'
      ? `no answer within ${OIDC_TIMEOUT_MS / 1000} s`
      : (e.cause?.code ?? e.cause?.message ?? e.message);
  const failure = new AuthError(
    `Could not reach the OIDC token service at ${host}: ${why}.`,
    'Check the network from the runner to the Actions service (a proxy or firewall on a self-hosted runner).',
    'OidcUnreachable',
  );
  return Object.assign(failure, { retryable: true });
}

/**
 * The web identity token from AWS_WEB_IDENTITY_TOKEN_FILE (GitLab `id_tokens`, Kubernetes). Read per
 * attempt: the file is rotated by whoever writes it.
 */
export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new AuthError(
      `Could not read the web identity token file ${JSON.stringify(path)} (AWS_WEB_IDENTITY_TOKEN_FILE): ${code}.`,
      code === 'ENOENT'
        ? 'The file does not exist: in GitLab CI, declare the token under `id_tokens:` and write it to that path before the job step (echo "$ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"), or point the variable at the right path.'
        : 'Make the file readable by the user running the job, and check that the path names a file.',
      'TokenFileUnreadable',
    );
  }
  const token = text.trim();
  if (!token) {
    throw new AuthError(
      `The web identity token file ${JSON.stringify(path)} (AWS_WEB_IDENTITY_TOKEN_FILE) is empty.`,
      'Write the OIDC token (a JWT) to the file before running the step.',
      'TokenFileEmpty',
    );
  }
  return token;
}

export function hasOidc(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

export function missingOidcError(env: NodeJS.ProcessEnv): AuthError {
  const act = env.ACT === 'true';
  return new AuthError(
    '`role-to-assume` is set but the job has no OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set.',
    act
      ? 'nektos/act provides no OIDC. Run with `dry-run: true`, or pass AWS credentials (act --secret AWS_ACCESS_KEY_ID=... --secret AWS_SECRET_ACCESS_KEY=...) and leave OIDC out.'
      : 'Add `permissions: { id-token: write, contents: read }` to the job (or workflow). Pull requests from forks never get an OIDC token: use `pull_request` with a same-repository branch, or skip the push for forks.',
    'OidcUnavailable',
  );
}
