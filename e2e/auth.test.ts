import { beforeEach, describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, stackEnv, uniqueRepo } from './support.js';

/** Each misconfiguration fails with its own message, fast, and pushes nothing. */
const CASES: {
  name: string;
  env?: Record<string, string | undefined>;
  inputs?: Record<string, string>;
  claims?: Record<string, unknown>;
  message: RegExp;
  hint: RegExp;
}[] = [
  {
    name: 'no OIDC request variables (permissions missing)',
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    message: /role-to-assume` is set but the job has no OIDC token/,
    hint: /permissions: \{ id-token: write/,
  },
  {
    name: 'wrong audience',
    inputs: { audience: 'sts.example.com' },
    message: /STS rejected the OIDC token.*aud="sts.example.com"/s,
    hint: /`audience` input must match/,
  },
  {
    name: 'sub not allowed by the trust policy',
    claims: { sub: 'repo:evil-org/fork:ref:refs/heads/main' },
    message:
      /Not authorized to assume arn:aws:iam::123456789012:role\/gha-ecr-push.*sub="repo:evil-org\/fork:ref:refs\/heads\/main"/s,
    hint: /trust policy/,
  },
  {
    name: 'expired token',
    claims: { expiresIn: -60 },
    message: /OIDC token expired/,
    hint: /runner clock/,
  },
  {
    name: 'unknown role',
    inputs: { 'role-to-assume': 'arn:aws:iam::123456789012:role/does-not-exist' },
    message: /Not authorized to assume arn:aws:iam::123456789012:role\/does-not-exist/,
    hint: /trust policy/,
  },
];

describe('authentication failures', () => {
  beforeEach(async () => {
    await client.reset();
    await client.resetRegistryStats();
  });

  it.each(CASES)('$name', async ({ env, inputs, claims, message, hint }) => {
    if (claims) await client.setOidcClaims(claims);
    const repo = uniqueRepo('auth');
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), ...inputs },
      env: { ...stackEnv(), ...env },
    });
    const output = allOutput(run);
    expect(run.main.code).toBe(1);
    expect(output).toMatch(message);
    expect(output).toMatch(hint);
    expect(run.outputs.pushed).toBe('false');
    // Nothing reached the registry, and STS was asked once (no retries on a misconfiguration).
    expect((await client.registryStats()).requests).toBe(0);
    expect((await client.getLog()).filter((r) => r.service === 'sts').length).toBeLessThanOrEqual(1);
    // The token asked for as the step starts is the one STS got: the job's token service once.
    const withoutOidc = env !== undefined && 'ACTIONS_ID_TOKEN_REQUEST_URL' in env;
    expect(await oidcRequests()).toBe(withoutOidc ? 0 : 1);
    expect(run.post.code).toBe(0);
  });
});

const oidcRequests = async () => (await client.getLog()).filter((r) => r.service === 'oidc').length;

/**
 * The OIDC token is asked for by dist/main.js before it loads the step's modules
 * (src/aws/early-id-token.ts); the credentials phase takes that answer, or asks again when its
 * parsed inputs want another audience. Either way one request per role assumption.
 */
describe('the early OIDC token request', () => {
  beforeEach(async () => {
    await client.reset();
  });

  it.each([
    ['the default audience', {}],
    ['an audience given with spaces around it', { audience: '  sts.amazonaws.com  ' }],
  ])('%s: one token request, and the push succeeds', async (_name, inputs) => {
    const run = await runAction({
      inputs: { ...baseInputs(uniqueRepo('early-oidc'), makeContext()), ...inputs },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.outputs.pushed).toBe('true');
    expect(await oidcRequests()).toBe(1);
  });
});
