/** configure-aws-credentials' role chaining and session policies, as sent to STS. */
import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  AssumeRoleCommand,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  assumeRoleWithWebIdentity,
  defaultChainSession,
  renewingCredentials,
  type WebIdentityRequest,
  assumeRole,
} from '../../src/aws/session.js';
import { AuthError } from '../../src/errors.js';
import { awsError, fakeJwt, instantRetry, rejection as rejectionOf } from '../support/helpers.js';

describe('aws/session', () => {
  const sts = mockClient(STSClient);
  const ROLE = 'arn:aws:iam::123456789012:role/gha-ecr-push';
  const SUB = 'repo:acme/app:ref:refs/heads/main';
  const CREDENTIALS = {
    AccessKeyId: 'ASIAEXAMPLEKEYID0001',
    SecretAccessKey: 'secret/AccessKey+Example0001',
    SessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
    Expiration: new Date('2030-01-01T00:00:00Z'),
  };
  const STS_OK = { Credentials: CREDENTIALS };

  /** A request whose token source hands out a new JWT per call and records every mask call, in order. */
  function request(overrides: Partial<WebIdentityRequest> = {}) {
    const events: string[] = [];
    const tokens: string[] = [];
    const masked: string[] = [];
    const req: WebIdentityRequest = {
      roleArn: ROLE,
      sessionName: 'GitHubActions-app-1-1',
      durationSeconds: 3600,
      region: 'eu-west-1',
      idToken: async () => {
        const token = fakeJwt({ sub: SUB, aud: 'sts.amazonaws.com', jti: `attempt-${tokens.length + 1}` });
        tokens.push(token);
        events.push(`token:${tokens.length}`);
        return token;
      },
      mask: (value) => {
        masked.push(value);
        events.push(`mask:${value}`);
      },
      log: (line) => events.push(`log:${line}`),
      retry: instantRetry(3),
      ...overrides,
    };
    return { req, events, tokens, masked };
  }

  const rejection = (promise: Promise<unknown>) => rejectionOf<AuthError>(promise);

  beforeEach(() => {
    sts.reset();
  });

  describe('assumeRoleWithWebIdentity', () => {
    it('sends the role, session name, duration and token; masks token and credentials before returning', async () => {
      const { req, events, tokens, masked } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).callsFake(() => {
        events.push('send');
        return {
          Credentials: CREDENTIALS,
          AssumedRoleUser: {
            Arn: 'arn:aws:sts::123456789012:assumed-role/gha-ecr-push/GitHubActions-app-1-1',
            AssumedRoleId: 'AROA:x',
          },
        };
      });
      const session = await assumeRoleWithWebIdentity(req);
      events.push('returned');

      const input = sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]!.args[0].input;
      expect(input).toEqual({
        RoleArn: ROLE,
        RoleSessionName: 'GitHubActions-app-1-1',
        DurationSeconds: 3600,
        WebIdentityToken: tokens[0],
      });
      const issued = {
        accessKeyId: CREDENTIALS.AccessKeyId,
        secretAccessKey: CREDENTIALS.SecretAccessKey,
        sessionToken: CREDENTIALS.SessionToken,
        expiration: CREDENTIALS.Expiration,
      };
      expect(typeof session.credentials).toBe('function');
      expect(await (session.credentials as () => Promise<unknown>)()).toEqual(issued);
      expect(session).toEqual({
        credentials: expect.any(Function),
        expire: expect.any(Function),
        issued,
        account: '123456789012',
        arn: 'arn:aws:sts::123456789012:assumed-role/gha-ecr-push/GitHubActions-app-1-1',
      });
      expect(masked).toEqual(
        expect.arrayContaining([
          tokens[0],
          CREDENTIALS.AccessKeyId,
          CREDENTIALS.SecretAccessKey,
          CREDENTIALS.SessionToken,
        ]),
      );
      // The token is masked before it is sent; every credential before the caller gets them.
      expect(events.indexOf(`mask:${tokens[0]}`)).toBeLessThan(events.indexOf('send'));
      for (const secret of [CREDENTIALS.AccessKeyId, CREDENTIALS.SecretAccessKey, CREDENTIALS.SessionToken]) {
        expect(events.indexOf(`mask:${secret}`)).toBeGreaterThan(events.indexOf('send'));
        expect(events.indexOf(`mask:${secret}`)).toBeLessThan(events.indexOf('returned'));
      }
    });

    it('without AssumedRoleUser the account comes from the role ARN', async () => {
      const { req } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: CREDENTIALS });
      const session = await assumeRoleWithWebIdentity(req);
      expect(session.account).toBe('123456789012');
      expect(session.arn).toBe(ROLE);
    });

    it('an answer without credentials is an AuthError', async () => {
      const { req } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .resolves({ Credentials: { ...CREDENTIALS, SessionToken: undefined } });
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('StsNoCredentials');
    });

    it('AccessDenied: names the role and the sub/aud claims, never the token, and does not retry', async () => {
      const { req, tokens } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejects(awsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('StsAccessDenied');
      const text = err.describe();
      expect(text).toContain(ROLE);
      expect(text).toContain(`sub=${JSON.stringify(SUB)}`);
      expect(text).toContain('aud="sts.amazonaws.com"');
      expect(err.hint).toContain('trust policy');
      expect(tokens).toHaveLength(1);
      for (const part of [tokens[0]!, ...tokens[0]!.split('.')]) expect(text).not.toContain(part);
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(1);
    });

    it('AccessDenied with a token that is not a JWT: placeholders, still no token', async () => {
      const { req } = request({ idToken: async () => 'opaque-token-value' });
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(awsError('AccessDenied', 'denied', 403));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err.message).toContain('sub="?"');
      expect(err.describe()).not.toContain('opaque-token-value');
    });

    // STS error → code, hint pattern
    const rows: [string, string, string, RegExp][] = [
      ['InvalidIdentityToken', 'Incorrect token audience', 'StsInvalidIdentityToken', /`audience` input/],
      [
        'InvalidIdentityToken',
        'No OpenIDConnect provider found in your account',
        'StsInvalidIdentityToken',
        /OIDC identity provider/,
      ],
      [
        'ExpiredTokenException',
        'Token expired: current date/time 1 must be before the expiration date/time 0',
        'StsExpiredToken',
        /clock/,
      ],
      [
        'ValidationError',
        "1 validation error detected: Value at 'roleSessionName'",
        'StsValidation',
        /role-session-name/,
      ],
    ];
    it.each(rows)('%s (%s) → %s', async (name, message, code, hint) => {
      const { req, tokens } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(awsError(name, message));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe(code);
      expect(err.hint).toMatch(hint);
      expect(err.describe()).not.toContain(tokens[0]!);
      expect(tokens).toHaveLength(1);
    });

    it('InvalidIdentityToken audience: the hint is about the audience, the message names the role and claims', async () => {
      const { req } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejects(awsError('InvalidIdentityToken', 'Incorrect token audience'));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err.message).toContain(ROLE);
      expect(err.message).toContain('aud="sts.amazonaws.com"');
      expect(err.hint).toContain('sts.amazonaws.com');
    });

    it('Throttling is retried with a fresh token per attempt', async () => {
      const { req, tokens, masked } = request();
      const retry = instantRetry(3);
      req.retry = retry;
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
        .rejectsOnce(
          awsError('IDPCommunicationError', "Couldn't retrieve verification key from your identity provider"),
        )
        .resolves({ Credentials: CREDENTIALS });
      const session = await assumeRoleWithWebIdentity(req);
      expect(session.issued?.accessKeyId).toBe(CREDENTIALS.AccessKeyId);
      const sent = sts
        .commandCalls(AssumeRoleWithWebIdentityCommand)
        .map((c) => c.args[0].input.WebIdentityToken);
      expect(sent).toEqual(tokens);
      expect(new Set(sent).size).toBe(3);
      for (const token of tokens) expect(masked).toContain(token);
      expect(retry.lines).toHaveLength(2);
      expect(retry.lines[0]).toContain('sts:AssumeRoleWithWebIdentity failed (attempt 1/3)');
    });

    it('Throttling on every attempt: explained after maxAttempts, naming the operation and the attempts', async () => {
      const { req, tokens } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(awsError('Throttling', 'Rate exceeded'));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('Throttled');
      expect(err.message).toMatch(/^sts:AssumeRoleWithWebIdentity failed after 3 attempts: AWS throttled/);
      expect(err.hint).toContain('retry-budget-seconds');
      expect(tokens).toHaveLength(3);
    });

    it('"Couldn\'t retrieve verification key" is transient: retried with a fresh token, no blame on the OIDC provider', async () => {
      const { req, tokens } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejectsOnce(
          awsError(
            'InvalidIdentityToken',
            "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
          ),
        )
        .resolves(STS_OK);
      await assumeRoleWithWebIdentity(req);
      expect(tokens).toHaveLength(2);
      expect(new Set(tokens).size).toBe(2);
    });

    it('verification key trouble on every attempt: the hint says re-run, not "create the provider"', async () => {
      const { req } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejects(
          awsError('InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider"),
        );
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err.hint).toMatch(/Re-run the job later/);
      expect(err.hint).not.toMatch(/exists in the role's account/);
    });
  });

  describe('defaultChainSession', () => {
    it('returns the caller account and ARN', async () => {
      sts
        .on(GetCallerIdentityCommand)
        .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ci' });
      expect(await defaultChainSession('eu-west-1', instantRetry())).toEqual({
        account: '123456789012',
        arn: 'arn:aws:iam::123456789012:user/ci',
      });
    });

    it('no credentials anywhere: the error names role-to-assume and id-token: write, not the SDK message', async () => {
      sts.on(GetCallerIdentityCommand).rejects(
        Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        }),
      );
      const err = await rejection(defaultChainSession('eu-west-1', instantRetry()));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('NoCredentials');
      expect(err.message).not.toContain('Could not load credentials');
      expect(err.hint).toContain('id-token: write');
    });
  });
});

describe('aws/session renewingCredentials', () => {
  const at = (ms: number) => new Date(ms);
  const creds = (id: string, expiresAt?: number) => ({
    accessKeyId: id,
    secretAccessKey: 's',
    expiration: expiresAt === undefined ? undefined : at(expiresAt),
  });

  it('renews when less than a quarter of the lifetime is left, once for concurrent callers', async () => {
    let now = 0;
    let renewals = 0;
    const { credentials } = renewingCredentials(
      creds('first', 4000),
      async () => creds(`fresh-${++renewals}`, now + 4000),
      () => now,
    );
    const get = credentials as () => Promise<{ accessKeyId: string }>;
    now = 2999;
    expect((await get()).accessKeyId).toBe('first');
    now = 3001;
    const both = await Promise.all([get(), get()]);
    expect(both.map((c) => c.accessKeyId)).toEqual(['fresh-1', 'fresh-1']);
    expect(renewals).toBe(1);
    expect((await get()).accessKeyId).toBe('fresh-1');
  });

  it('an hour-long session renews 5 minutes before it expires', async () => {
    let now = 0;
    const hour = 3_600_000;
    const { credentials } = renewingCredentials(
      creds('first', hour),
      async () => creds('fresh', 2 * hour),
      () => now,
    );
    const get = credentials as () => Promise<{ accessKeyId: string }>;
    now = hour - 300_001;
    expect((await get()).accessKeyId).toBe('first');
    now = hour - 299_999;
    expect((await get()).accessKeyId).toBe('fresh');
  });

  it('expire() makes the next call renew; no expiration never renews on its own', async () => {
    const { credentials, expire } = renewingCredentials(creds('first'), async () =>
      creds('fresh', Date.now() + 3_600_000),
    );
    const get = credentials as () => Promise<{ accessKeyId: string }>;
    expect((await get()).accessKeyId).toBe('first');
    expire!();
    expect((await get()).accessKeyId).toBe('fresh');
  });
});

const sts = mockClient(STSClient);
const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const CREDENTIALS = {
  AccessKeyId: 'ASIACHAINED0001',
  SecretAccessKey: 'chained/secret',
  SessionToken: 'chained-session-token',
  Expiration: new Date('2030-01-01T00:00:00Z'),
};
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}';
const MANAGED = ['arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser'];

beforeEach(() => sts.reset());

const base = {
  roleArn: ROLE,
  sessionName: 'GitHubActions-app-1-1',
  durationSeconds: 900,
  region: 'eu-west-1',
};

describe('assumeRole (role-chaining)', () => {
  it.each([
    // [extra request fields, what STS must receive beyond the role, session name and duration]
    [{}, { ExternalId: undefined, Policy: undefined, PolicyArns: undefined }],
    [{ externalId: 'ext-123' }, { ExternalId: 'ext-123' }],
    [{ policies: { inline: POLICY, managed: [] } }, { Policy: POLICY, PolicyArns: undefined }],
    [{ policies: { managed: MANAGED } }, { Policy: undefined, PolicyArns: [{ arn: MANAGED[0] }] }],
  ])('%j → %j', async (extra, expected) => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: CREDENTIALS,
      AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/deploy/s', AssumedRoleId: 'x' },
    });
    const masked: string[] = [];
    const session = await assumeRole({
      ...base,
      ...extra,
      mask: (v) => masked.push(v),
      retry: instantRetry(),
    });
    const input = sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: base.sessionName,
      DurationSeconds: 900,
      ...expected,
    });
    expect(session.account).toBe('123456789012');
    expect(masked).toEqual(expect.arrayContaining([CREDENTIALS.SecretAccessKey, CREDENTIALS.SessionToken]));
  });

  it('AccessDenied names the role and the trust policy, not retried', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(awsError('AccessDenied', 'not authorized to perform sts:AssumeRole', 403));
    const err = await assumeRole({ ...base, mask: () => {}, retry: instantRetry() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toContain(ROLE);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });
});

describe('assumeRoleWithWebIdentity passes the session policies', () => {
  it.each([
    [undefined, { Policy: undefined, PolicyArns: undefined }],
    [
      { inline: POLICY, managed: MANAGED },
      { Policy: POLICY, PolicyArns: [{ arn: MANAGED[0] }] },
    ],
  ])('%j → %j', async (policies, expected) => {
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: CREDENTIALS });
    await assumeRoleWithWebIdentity({
      ...base,
      policies,
      idToken: async () => 'a.b.c',
      mask: () => {},
      retry: instantRetry(),
      log: () => {},
    });
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]!.args[0].input).toMatchObject(expected);
  });
});
