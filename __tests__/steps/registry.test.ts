import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ecr } from '../../src/aws/ecr.js';
import { resolveTarget } from '../../src/aws/registry-host.js';
import { newLog } from '../../src/report/log.js';
import type { Job } from '../../src/steps/prepare.js';
import { ensureCacheRepository, type OpenRegistry } from '../../src/steps/registry.js';
import type { TagMutability } from '../../src/types/registry.js';
import { jobOf, openedRegistry } from '../support/job.js';
import { awsError, instantRetry } from '../support/helpers.js';

const ecrMock = mockClient(ECRClient);
const TARGET = resolveTarget('123456789012', 'app', 'eu-west-1', '123456789012');
const SESSION = { account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/r/s' };
const lines: string[] = [];
const runner = { info: (l: string) => lines.push(l) };

function job(cache: 'registry' | 'inline', create: boolean): Job {
  return jobOf({ cache, 'create-repository': String(create), 'image-tag-mutability': 'IMMUTABLE' }).job;
}

function registry(tagMutability: TagMutability): OpenRegistry {
  return {
    ...openedRegistry({ tagMutability, scanOnPush: true }, TARGET),
    ecr: new Ecr(TARGET, SESSION, instantRetry()),
  };
}

describe('ensureCacheRepository (cache: registry on an immutable repository)', () => {
  beforeEach(() => {
    ecrMock.reset();
    lines.length = 0;
  });

  it('creates a MUTABLE REPO-cache repository when create-repository is on', async () => {
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'));
    ecrMock.on(CreateRepositoryCommand).resolves({ repository: { imageTagMutability: 'MUTABLE' } });
    await ensureCacheRepository(job('registry', true), registry('IMMUTABLE'), runner, newLog());
    const created = ecrMock.commandCalls(CreateRepositoryCommand)[0]!.args[0].input;
    expect(created).toMatchObject({
      repositoryName: 'app-cache',
      registryId: '123456789012',
      imageTagMutability: 'MUTABLE',
    });
    expect(lines.join('\n')).toContain(`${TARGET.uri}-cache`);
  });

  it('fails before the build, naming the repository, when it is missing and create-repository is off', async () => {
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'));
    await expect(
      ensureCacheRepository(job('registry', false), registry('IMMUTABLE'), runner, newLog()),
    ).rejects.toThrow(/mutable repository 'app-cache', which does not exist/);
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  it.each([
    ['an existing cache repository', 'registry', 'IMMUTABLE', true],
    ['a mutable repository', 'registry', 'MUTABLE', false],
    ['another cache mode', 'inline', 'IMMUTABLE', false],
  ] as const)('leaves %s alone', async (_name, cache, mutability, describes) => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'app-cache' }] });
    await ensureCacheRepository(job(cache, true), registry(mutability), runner, newLog());
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(describes ? 1 : 0);
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });
});
