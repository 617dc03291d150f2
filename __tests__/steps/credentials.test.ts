/**
 * Where the web identity token comes from, end to end through openSession with STS stubbed:
 * GitHub's OIDC service is covered elsewhere; here the other CIs' sources (a token file,
 * CircleCI's variable), each sent to STS as is and masked before use.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EarlyIdToken } from '../../src/aws/early-id-token.js';
import { readRunContext } from '../../src/context/github-context.js';
import { parseInputs } from '../../src/inputs/parse.js';
import { planCredentials } from '../../src/plan/credentials.js';
import { newLog } from '../../src/report/log.js';
import { cliRunner } from '../../src/runner/cli-runner.js';
import { checkAccount, openSession, sessionForInputs } from '../../src/steps/credentials.js';
import { awsError, fakeJwt, instantRetry } from '../support/helpers.js';
import { parse } from '../inputs/fixtures.js';
import type { Runner } from '../../src/runner/runner.js';
import type { AwsCredentialPlan } from '../../src/plan/credentials.js';

const ROLE = 'arn:aws:iam::123456789012:role/ci-ecr-push';
const sts = mockClient(STSClient);
/** Only the working directory: no Dockerfile, which credentials never need. */
const NO_FS = { exists: (p: string) => p === '.', isDirectory: (p: string) => p === '.', readFile: () => '' };

/**
 * openSession for `role-to-assume` in `env` (plus `flags`), STS stubbed. `early` is the token the
 * entry asked for; `replan` changes the plan planCredentials makes.
 */
async function session(
  env: NodeJS.ProcessEnv,
  options: {
    flags?: Record<string, string>;
    early?: EarlyIdToken;
    replan?: (plan: AwsCredentialPlan) => AwsCredentialPlan;
  } = {},
) {
  const masked: string[] = [];
  const flags = { 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', ...options.flags };
  const runner = cliRunner(flags, env, () => undefined);
  const mask = runner.mask;
  runner.mask = (value) => (masked.push(value), mask(value));
  const inputs = parseInputs((name) => runner.input(name), env, NO_FS, { building: false });
  const ctx = readRunContext(env, () => undefined, new Date());
  const planned = planCredentials(inputs.auth, ctx, env);
  if (planned.source === 'none') throw new Error('no credentials planned');
  const plan = options.replan ? options.replan(planned) : planned;
  const log = newLog();
  await openSession(plan, 'eu-west-1', inputs.auth, instantRetry(), runner, log, options.early);
  const calls = sts.commandCalls(AssumeRoleWithWebIdentityCommand).map((call) => call.args[0].input);
  return { sent: calls[0]!, calls, masked, plan, log };
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

describe('steps/credentials: the OIDC token asked for as the step started', () => {
  /** A stand-in for GitHub's token service: the audiences it was asked for, in order. */
  const asked: (string | null)[] = [];
  let service: Server;
  let tokenUrl = '';
  const serviceToken = (audience: string) =>
    fakeJwt({ iss: 'https://token.actions.githubusercontent.com', aud: audience });
  const EARLY = fakeJwt({ iss: 'https://token.actions.githubusercontent.com', early: true });
  const CIRCLE = fakeJwt({ iss: 'https://oidc.circleci.com/org/abc' });

  beforeAll(async () => {
    service = createServer((req, res) => {
      const audience = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('audience');
      asked.push(audience);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value: serviceToken(audience ?? '') }));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}/token?api-version=2.0`;
  });
  afterAll(async () => {
    service.closeAllConnections();
    await new Promise<void>((resolve) => service.close(() => resolve()));
  });
  beforeEach(() => {
    asked.length = 0;
    sts.reset();
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() },
      AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/ci-ecr-push/x', AssumedRoleId: 'x' },
    });
  });

  const github = (): NodeJS.ProcessEnv => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    CIRCLE_OIDC_TOKEN_V2: CIRCLE,
  });
  const early = (over: Partial<EarlyIdToken> = {}): EarlyIdToken => ({
    url: tokenUrl,
    audience: 'sts.amazonaws.com',
    token: Promise.resolve(EARLY),
    sent: Promise.resolve(),
    ms: 42,
    ...over,
  });
  const tokenFile = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ebp-token-')), 'token');
    writeFileSync(path, 'file-token\n');
    return path;
  };

  interface Row {
    early: () => EarlyIdToken;
    flags?: Record<string, string>;
    replan?: (plan: AwsCredentialPlan) => AwsCredentialPlan;
    /** The token STS receives. */
    token: () => string;
    /** The audiences the token service is asked for. */
    asked: string[];
    /** log.timings.oidc: the early token's ms, or measured here. */
    oidcMs: number | 'measured';
  }
  const rows: [string, Row][] = [
    [
      'same service and audience: taken, the service not asked again',
      { early: () => early(), token: () => EARLY, asked: [], oidcMs: 42 },
    ],
    [
      'same service and a custom audience: taken',
      {
        early: () => early({ audience: 'my-aud', ms: 7.4 }),
        flags: { audience: 'my-aud' },
        token: () => EARLY,
        asked: [],
        oidcMs: 7,
      },
    ],
    [
      'another audience: dropped, the token asked for anew',
      {
        early: () => early({ audience: 'other-aud' }),
        token: () => serviceToken('sts.amazonaws.com'),
        asked: ['sts.amazonaws.com'],
        oidcMs: 'measured',
      },
    ],
    [
      'the audience input differs: dropped, asked for anew with it',
      {
        early: () => early(),
        flags: { audience: 'my-aud' },
        token: () => serviceToken('my-aud'),
        asked: ['my-aud'],
        oidcMs: 'measured',
      },
    ],
    [
      'another token service URL: dropped, asked for anew',
      {
        early: () => early({ url: 'http://127.0.0.1:1/token' }),
        token: () => serviceToken('sts.amazonaws.com'),
        asked: ['sts.amazonaws.com'],
        oidcMs: 'measured',
      },
    ],
    [
      'a token file plan: the early token ignored, the file read',
      {
        early: () => early(),
        replan: (plan) => ({ ...plan, tokenFile: tokenFile() }),
        token: () => 'file-token',
        asked: [],
        oidcMs: 'measured',
      },
    ],
    [
      'a token variable plan: the early token ignored, the variable read',
      {
        early: () => early(),
        replan: (plan) => ({ ...plan, tokenVariable: 'CIRCLE_OIDC_TOKEN_V2' }),
        token: () => CIRCLE,
        asked: [],
        oidcMs: 'measured',
      },
    ],
  ];
  it.each(rows)('%s', async (_name, row) => {
    const given = row.early();
    const { calls, plan, log, masked } = await session(github(), {
      flags: row.flags,
      early: given,
      replan: row.replan,
    });
    expect(plan.source).toBe('web-identity');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.WebIdentityToken).toBe(row.token());
    expect(masked).toContain(row.token());
    expect(asked).toEqual(row.asked);
    if (row.oidcMs === 'measured') {
      expect(log.timings.oidc).toBeTypeOf('number');
      expect(log.timings.oidc).toBeLessThan(5000);
    } else expect(log.timings.oidc).toBe(row.oidcMs);
  });

  it('only the first attempt takes the early token: a retried STS call asks the service', async () => {
    sts
      .on(AssumeRoleWithWebIdentityCommand)
      .rejectsOnce(awsError('IDPCommunicationErrorException', 'try again'))
      .resolves({
        Credentials: {
          AccessKeyId: 'ASIAX',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(),
        },
        AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/ci-ecr-push/x', AssumedRoleId: 'x' },
      });
    const { calls, log } = await session(github(), { early: early() });
    expect(calls.map((c) => c.WebIdentityToken)).toEqual([EARLY, serviceToken('sts.amazonaws.com')]);
    expect(asked).toEqual(['sts.amazonaws.com']);
    expect(log.timings.oidc).toBeGreaterThanOrEqual(42);
  });

  it('an early token that failed: the failure goes to the first attempt, the retry asks anew', async () => {
    const failed = Promise.reject(Object.assign(new Error('OIDC unreachable'), { retryable: true }));
    failed.catch(() => undefined);
    const { calls, log } = await session(github(), { early: early({ token: failed, ms: 10 }) });
    expect(calls.map((c) => c.WebIdentityToken)).toEqual([serviceToken('sts.amazonaws.com')]);
    expect(asked).toEqual(['sts.amazonaws.com']);
    expect(log.timings.oidc).toBeGreaterThanOrEqual(10);
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

// Last in the file: a row installs a proxy for the module (bypassed for every host by NO_PROXY).
describe('sessionForInputs: proxy, region and session, as the action and `login` open them', () => {
  const TOKEN = fakeJwt({ iss: 'https://oidc.circleci.com/org/abc', v: 2 });
  const ARN = 'arn:aws:sts::123456789012:assumed-role/ci-ecr-push/x';
  beforeEach(() => {
    sts.reset();
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() },
      AssumedRoleUser: { Arn: ARN, AssumedRoleId: 'x' },
    });
  });

  // [case, flags, environment, the region it returns or the error, warnings, masked]
  const rows: [string, Record<string, string>, NodeJS.ProcessEnv, string | RegExp, RegExp[], string[]][] = [
    [
      'role and region: the session and the region',
      { 'aws-region': 'eu-west-1' },
      {},
      'eu-west-1',
      [],
      [TOKEN],
    ],
    ['the region from AWS_REGION', {}, { AWS_REGION: 'us-east-2' }, 'us-east-2', [], [TOKEN]],
    [
      'a region this version does not know: a warning, and on',
      { 'aws-region': 'eu-wset-1' },
      {},
      'eu-wset-1',
      [/^warning: "eu-wset-1" is not an AWS region this version knows: did you mean "eu-west-1"\?/],
      [TOKEN],
    ],
    ['no region: a clear error before any AWS call', {}, {}, /No AWS region/, [], []],
    [
      'a proxy that is no URL: refused before the region is looked at',
      {},
      { HTTPS_PROXY: 'socks5://proxy:1080' },
      /HTTPS_PROXY environment variable is not a proxy URL/,
      [],
      [],
    ],
    [
      "the proxy's password is masked before any request",
      { 'aws-region': 'eu-west-1' },
      { HTTPS_PROXY: 'http://user:pr0xy-pass@proxy.internal:3128', NO_PROXY: '*' },
      'eu-west-1',
      [],
      ['pr0xy-pass', TOKEN],
    ],
  ];
  it.each(rows)('%s', async (_name, flags, env, expected, warnings, masked) => {
    const lines: string[] = [];
    const maskedNow: string[] = [];
    const all = { CIRCLE_OIDC_TOKEN_V2: TOKEN, ...env };
    const runner = cliRunner({ 'role-to-assume': ROLE, ...flags }, all, (line) => lines.push(line));
    const mask = runner.mask;
    runner.mask = (value) => (maskedNow.push(value), mask(value));
    const inputs = parseInputs((name) => runner.input(name), all, NO_FS, { building: false });
    const plan = planCredentials(
      inputs.auth,
      readRunContext(all, () => undefined, new Date()),
      all,
    );
    if (plan.source === 'none') throw new Error('no credentials planned');
    const opening = sessionForInputs(plan, inputs, instantRetry(), runner, newLog());
    if (expected instanceof RegExp) {
      await expect(opening).rejects.toThrow(expected);
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(0);
    } else {
      const { session, region } = await opening;
      expect(region).toBe(expected);
      expect(session.arn).toBe(ARN);
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(1);
    }
    const warned = lines.filter((line) => line.startsWith('warning: '));
    expect(warned).toHaveLength(warnings.length);
    for (const [i, pattern] of warnings.entries()) expect(warned[i]).toMatch(pattern);
    for (const value of masked) expect(maskedNow).toContain(value);
    if (masked.length === 0) expect(maskedNow).not.toContain(TOKEN);
  });
});
