import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as GetPublicTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsSession } from '../../src/aws/session.js';
import { newLog } from '../../src/report/log.js';
import { openBaseRegistries } from '../../src/steps/base-registries.js';
import { ACCOUNT, jobOf, openedRegistry } from '../support/job.js';

const ecr = mockClient(ECRClient);
const ecrPublic = mockClient(ECRPUBLICClient);
const token = (password: string) => Buffer.from(`AWS:${password}`).toString('base64');
const SESSION: AwsSession = {
  credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' },
  account: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/ci`,
};

beforeEach(() => {
  ecr.reset();
  ecrPublic.reset();
  ecr
    .on(GetAuthorizationTokenCommand)
    .resolves({ authorizationData: [{ authorizationToken: token('base-pw') }] });
  ecrPublic
    .on(GetPublicTokenCommand)
    .resolves({ authorizationData: { authorizationToken: token('public-pw') } });
});

describe('openBaseRegistries', () => {
  // base-registries → the logins (host, password) and the token calls made
  it.each<[string, string, [string, string][], { ecr: number; public: number }]>([
    ['none', '', [], { ecr: 0, public: 0 }],
    [
      "the target's region: the target's token, no call",
      '111111111111/eu-west-1',
      [['111111111111.dkr.ecr.eu-west-1.amazonaws.com', 'ecr-password']],
      { ecr: 0, public: 0 },
    ],
    [
      'two accounts in another region: one call for both',
      '111111111111/us-east-1\n222222222222/us-east-1',
      [
        ['111111111111.dkr.ecr.us-east-1.amazonaws.com', 'base-pw'],
        ['222222222222.dkr.ecr.us-east-1.amazonaws.com', 'base-pw'],
      ],
      { ecr: 1, public: 0 },
    ],
    [
      'ECR Public: its own token on public.ecr.aws',
      'public.ecr.aws/acme',
      [['public.ecr.aws', 'public-pw']],
      { ecr: 0, public: 1 },
    ],
  ])('%s', async (_name, bases, expected, calls) => {
    const { job, runner } = jobOf({ 'base-registries': bases });
    const logins = await openBaseRegistries(job, SESSION, openedRegistry(), runner, newLog());
    expect(logins.map((l) => [l.host, l.login.password])).toEqual(expected);
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(calls.ecr);
    expect(ecrPublic.commandCalls(GetPublicTokenCommand)).toHaveLength(calls.public);
    // Every password is masked before anything else sees it.
    for (const [, password] of expected)
      if (password !== 'ecr-password') expect(runner.masked).toContain(password);
  });
});
