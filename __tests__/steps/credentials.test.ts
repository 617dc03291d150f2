/**
 * Where the web identity token comes from, end to end through openSession with STS stubbed:
 * GitHub's OIDC service is covered elsewhere; here the other CIs' sources (a token file,
 * CircleCI's variable), each sent to STS as is and masked before use.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readRunContext } from '../../src/context/github-context.js';
import { parseInputs } from '../../src/inputs/parse.js';
import { planCredentials } from '../../src/plan/credentials.js';
import { newLog } from '../../src/report/log.js';
import { cliRunner } from '../../src/runner/cli-runner.js';
import { checkAccount, openSession } from '../../src/steps/credentials.js';
import { fakeJwt, instantRetry } from '../support/helpers.js';
import { parse } from '../inputs/fixtures.js';
import type { Runner } from '../../src/runner/runner.js';

const ROLE = 'arn:aws:iam::123456789012:role/ci-ecr-push';
const sts = mockClient(STSClient);
/** Only the working directory: no Dockerfile, which credentials never need. */
const NO_FS = { exists: (p: string) => p === '.', isDirectory: (p: string) => p === '.', readFile: () => '' };

async function session(env: NodeJS.ProcessEnv) {
  const masked: string[] = [];
  const runner = cliRunner({ 'role-to-assume': ROLE, 'aws-region': 'eu-west-1' }, env, () => undefined);
  const mask = runner.mask;
  runner.mask = (value) => (masked.push(value), mask(value));
  const inputs = parseInputs((name) => runner.input(name), env, NO_FS, { building: false });
  const ctx = readRunContext(env, () => undefined, new Date());
  const plan = planCredentials(inputs.auth, ctx, env);
  if (plan.source === 'none') throw new Error('no credentials planned');
  await openSession(plan, 'eu-west-1', inputs.auth, instantRetry(), runner, newLog());
  const sent = sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]!.args[0].input;
  return { sent, masked, plan };
}

describe('steps/credentials: web identity tokens of other CIs', () => {
  beforeEach(() => {
    sts.reset();
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() },
      AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/ci-ecr-push/x', AssumedRoleId: 'x' },
    });
  });

  const V2 = fakeJwt({ iss: 'https://oidc.circleci.com/org/abc', v: 2 });
  const V1 = fakeJwt({ iss: 'https://oidc.circleci.com/org/abc', v: 1 });
  const FILE = fakeJwt({ iss: 'https://gitlab.com' });
  const tokenFile = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ebp-token-')), 'token');
    writeFileSync(path, `${FILE}\n`);
    return path;
  };

  // [case, environment, the token STS must receive]
  const rows: [string, () => NodeJS.ProcessEnv, string][] = [
    ['CircleCI: CIRCLE_OIDC_TOKEN_V2', () => ({ CIRCLECI: 'true', CIRCLE_OIDC_TOKEN_V2: V2 }), V2],
    ['CircleCI: V2 wins over V1', () => ({ CIRCLE_OIDC_TOKEN: V1, CIRCLE_OIDC_TOKEN_V2: V2 }), V2],
    ['CircleCI: only V1', () => ({ CIRCLE_OIDC_TOKEN: V1 }), V1],
    [
      'a token file (GitLab id_tokens, Buildkite) wins over the variable',
      () => ({ CIRCLE_OIDC_TOKEN_V2: V2, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile() }),
      FILE,
    ],
    ['a token file alone, trimmed', () => ({ AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile() }), FILE],
  ];
  it.each(rows)('%s', async (_name, env, token) => {
    const { sent, masked, plan } = await session(env());
    expect(plan.source).toBe('web-identity');
    expect(sent.WebIdentityToken).toBe(token);
    expect(sent.RoleArn).toBe(ROLE);
    expect(masked).toContain(token);
  });

  it('an empty CircleCI variable is no token: without another source the run fails before STS', async () => {
    await expect(session({ CIRCLE_OIDC_TOKEN_V2: '  ' })).rejects.toThrow(/no OIDC token/);
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(0);
  });
});

/** configure-aws-credentials' allowed-account-ids and mask-aws-account-id, and the inputs behind them. */
const SESSION = { account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/r/s' };

function check(inputs: Record<string, string>) {
  const masked: string[] = [];
  const runner = { mask: (v: string) => masked.push(v) } as unknown as Runner;
  checkAccount(parse(inputs).auth, SESSION, runner);
  return masked;
}

describe('checkAccount', () => {
  it.each([
    // [inputs, passes, masked]
    [{}, true, []],
    [{ 'allowed-account-ids': '123456789012' }, true, []],
    [{ 'allowed-account-ids': '111111111111, 123456789012' }, true, []],
    [{ 'allowed-account-ids': '111111111111\n222222222222' }, false, []],
    [{ 'mask-aws-account-id': 'true' }, true, ['123456789012']],
    [{ 'mask-aws-account-id': 'true', 'allowed-account-ids': '111111111111' }, false, ['123456789012']],
  ])('%j → passes %s, masks %j', (inputs, passes, masked) => {
    if (passes) expect(check(inputs)).toEqual(masked);
    else expect(() => check(inputs)).toThrow(/not in allowed-account-ids/);
  });

  it('a masked account is not named in the failure', () => {
    expect(() => check({ 'mask-aws-account-id': 'true', 'allowed-account-ids': '111111111111' })).toThrow(
      /belong to account \*\*\*,/,
    );
  });
});

describe('configure-aws-credentials inputs', () => {
  it('parses them', () => {
    const auth = parse({
      'role-chaining': 'true',
      'role-external-id': 'ext-123',
      'inline-session-policy': '{ "Version": "2012-10-17", "Statement": [] }',
      'managed-session-policies':
        'arn:aws:iam::aws:policy/ReadOnlyAccess\narn:aws-us-gov:iam::123456789012:policy/mine',
    }).auth;
    expect(auth).toMatchObject({
      roleChaining: true,
      roleExternalId: 'ext-123',
      inlineSessionPolicy: '{"Version":"2012-10-17","Statement":[]}',
      managedSessionPolicies: [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws-us-gov:iam::123456789012:policy/mine',
      ],
    });
  });

  it.each([
    ['allowed-account-ids', '12345'],
    ['role-external-id', 'x'],
    ['inline-session-policy', '{"Version": '],
    ['inline-session-policy', '["not", "an", "object"]'],
    ['managed-session-policies', 'ReadOnlyAccess'],
  ])('%s: %j is refused', (input, raw) => {
    expect(() => parse({ [input]: raw })).toThrow(new RegExp(`'${input}'`));
  });
});
