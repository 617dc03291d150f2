import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { ECRPUBLICClient, GetAuthorizationTokenCommand as GetPublicToken } from '@aws-sdk/client-ecr-public';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** `login` with these inputs, the user's docker config at a path of their own. */
async function run(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const userConfig = join(mkdtempSync(join(tmpdir(), 'ebp-user-')), '.docker');
  const runner = recordingRunner(
    inputs,
    githubEnv({ AWS_ACCESS_KEY_ID: 'AKIA', DOCKER_CONFIG: userConfig, ...docker.env(), ...env }),
  );
  const [calls, logins] = [docker.calls().length, docker.logins().length];
  await login(runner, DEPS);
  return { runner, userConfig, calls: docker.calls().slice(calls), logins: docker.logins().slice(logins) };
}

const OTHER = '210987654321';

describe("cli/login: the host and the token as the action decides them, into the user's docker config", () => {
  // name, inputs, environment → the host, the API that issued the token (and its region), repository-uri
  const rows: [
    string,
    Record<string, string>,
    NodeJS.ProcessEnv,
    string,
    'ecr' | 'ecr-public',
    string,
    string,
  ][] = [
    ["the caller's account, AWS_REGION", {}, {}, HOST, 'ecr', 'eu-west-1', `${HOST}/app`],
    [
      'registry: an account id',
      { registry: OTHER },
      {},
      `${OTHER}.dkr.ecr.eu-west-1.amazonaws.com`,
      'ecr',
      'eu-west-1',
      `${OTHER}.dkr.ecr.eu-west-1.amazonaws.com/app`,
    ],
    [
      'registry: a host in another region (its region wins)',
      { registry: `${OTHER}.dkr.ecr.us-west-2.amazonaws.com`, repository: 'web' },
      {},
      `${OTHER}.dkr.ecr.us-west-2.amazonaws.com`,
      'ecr',
      'us-west-2',
      `${OTHER}.dkr.ecr.us-west-2.amazonaws.com/web`,
    ],
    [
      'registry: a FIPS host',
      { registry: `${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com` },
      {},
      `${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com`,
      'ecr',
      'us-east-1',
      `${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com/app`,
    ],
    [
      'aws-region: a China region (its own domain)',
      { 'aws-region': 'cn-north-1' },
      {},
      `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`,
      'ecr',
      'cn-north-1',
      `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn/app`,
    ],
    [
      'ECR Public: its own token, from us-east-1',
      { registry: 'public.ecr.aws/acme' },
      {},
      'public.ecr.aws',
      'ecr-public',
      'us-east-1',
      'public.ecr.aws/acme/app',
    ],
    ['outside a repository: no repository-uri', {}, { GITHUB_REPOSITORY: '' }, HOST, 'ecr', 'eu-west-1', ''],
    // The event file is read as the action reads it: a directory there is no event.
    [
      'GITHUB_EVENT_PATH is a directory',
      {},
      { GITHUB_EVENT_PATH: '.' },
      HOST,
      'ecr',
      'eu-west-1',
      `${HOST}/app`,
    ],
  ];
  it.each(rows)('%s', async (_name, inputs, env, host, api, region, uri) => {
    const { runner, userConfig, calls, logins } = await run(inputs, env);
    const [used, unused] = api === 'ecr' ? [ecr, ecrPublic] : [ecrPublic, ecr];
    const password = api === 'ecr' ? 'pw' : 'public-pw';
    expect(used.calls()).toHaveLength(1);
    expect(unused.calls()).toHaveLength(0);
    const client = used.call(0).thisValue as ECRClient | ECRPUBLICClient;
    expect(await client.config.region()).toBe(region);
    // The password on stdin only, never on argv, masked first; the user's own docker config.
    expect(calls).toEqual([`login --username AWS --password-stdin ${host}`]);
    expect(logins).toEqual([{ dockerConfig: userConfig, stdin: password }]);
    expect(runner.masked).toContain(password);
    expect(runner.outputs).toEqual({ registry: host, 'repository-uri': uri, 'aws-account-id': ACCOUNT });
  });

  it('a region this version does not know warns, as the action does, and goes on', async () => {
    const { runner, calls } = await run({ 'aws-region': 'eu-west-9' });
    expect(runner.log).toContainEqual(expect.stringMatching(/^warning: .*eu-west-9.*Going on/));
    expect(calls).toEqual([
      `login --username AWS --password-stdin ${ACCOUNT}.dkr.ecr.eu-west-9.amazonaws.com`,
    ]);
  });
});
