/** configure-aws-credentials' role chaining and session policies, as sent to STS. */
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { assumeRole, assumeRoleWithWebIdentity } from '../../src/aws/session.js';
import { AuthError } from '../../src/errors.js';
import { awsError, instantRetry } from '../core/helpers.js';

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
