import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { ECRPUBLICClient, GetAuthorizationTokenCommand as GetPublicToken } from '@aws-sdk/client-ecr-public';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { login } from '../../src/cli/login.js';
import { useFakeDocker } from '../support/fake-docker.js';
import { ACCOUNT, DEPS, githubEnv, HOST, recordingRunner } from '../support/job.js';

const sts = mockClient(STSClient);
const ecr = mockClient(ECRClient);
const ecrPublic = mockClient(ECRPUBLICClient);
const docker = useFakeDocker();
const token = (password: string) => Buffer.from(`AWS:${password}`).toString('base64');
beforeEach(() => {
  for (const mock of [sts, ecr, ecrPublic]) mock.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ci` });
  ecr.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [{ authorizationToken: token('pw') }] });
  ecrPublic.on(GetPublicToken).resolves({ authorizationData: { authorizationToken: token('public-pw') } });
});

async function run(inputs: Record<string, string>) {
  const runner = recordingRunner(inputs, githubEnv({ AWS_ACCESS_KEY_ID: 'AKIA', ...docker.env() }));
  const before = docker.calls().length;
  await login(runner, DEPS);
  return { runner, docker: docker.calls().slice(before) };
}

describe('cli/login', () => {
  it('one token, docker login to the private registry, and where it logged in', async () => {
    const { runner, docker: calls } = await run({});
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1);
    expect(calls).toEqual([`login --username AWS --password-stdin ${HOST}`]);
    expect(runner.outputs).toEqual({
      registry: HOST,
      'repository-uri': `${HOST}/app`,
      'aws-account-id': ACCOUNT,
    });
    expect(runner.masked).toContain('pw');
  });

  it('ECR Public: its own token', async () => {
    const { runner, docker: calls } = await run({ registry: 'public.ecr.aws/acme' });
    expect(ecr.calls()).toHaveLength(0);
    expect(calls).toEqual(['login --username AWS --password-stdin public.ecr.aws']);
    expect(runner.outputs.registry).toBe('public.ecr.aws');
  });
});
