import { AuthError } from '../errors.js';

/**
 * Fetches the job's OIDC token for `audience` from the runner's token service.
 *
 * Written here instead of @actions/core's getIDToken: that pulls @actions/http-client
 * and undici into the bundle (~400 KB, ~100 ms of start-up) for one GET that Node's
 * built-in fetch does.
 */
export async function fetchIdToken(env: NodeJS.ProcessEnv, audience: string): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) throw missingOidcError(env);
  const target = new URL(url);
  target.searchParams.set('audience', audience);
  const res = await fetch(target, {
    headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
  });
  if (!res.ok) {
    const error = new AuthError(
      `The OIDC token request failed with HTTP ${res.status} ${res.statusText}.`,
      res.status === 401 || res.status === 403
        ? 'The request token was refused: check that the job has `permissions: id-token: write`.'
        : undefined,
      'OidcRequestFailed',
    );
    // 5xx and 429 from the token service are worth another attempt.
    Object.assign(error, { retryable: res.status >= 500 || res.status === 429 || res.status === 408 });
    throw error;
  }
  const body = (await res.json()) as { value?: string };
  if (!body.value)
    throw new AuthError('The OIDC token service answered without a token.', undefined, 'OidcEmptyToken');
  return body.value;
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
