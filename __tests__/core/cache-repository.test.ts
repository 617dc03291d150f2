import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ecr } from '../../src/aws/ecr.js';
import { resolveTarget } from '../../src/aws/registry-host.js';
import { emptyReport } from '../../src/report/run-report.js';
import type { Job } from '../../src/steps/prepare.js';
import { ensureCacheRepository, type OpenRegistry } from '../../src/steps/registry.js';
import { awsError, buildInputs, instantRetry } from './helpers.js';
import type { Runner } from '../../src/runner/runner.js';
import type { TagMutability } from '../../src/types/registry.js';

const ecrMock = mockClient(ECRClient);
const TARGET = resolveTarget('123456789012', 'app', 'eu-west-1', '123456789012');
const SESSION = { account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/r/s' };
const lines: string[] = [];
const runner = { info: (l: string) => lines.push(l) } as unknown as Runner;

function job(cache: 'registry' | 'inline', create: boolean): Job {
  return {
    repository: 'app',
    inputs: {
      build: buildInputs({ cache }),
      repository: {
        create,
        tagMutability: 'IMMUTABLE',
        mutabilityExclusions: [],
        scanOnPush: true,
        encryption: 'AES256',
        repositoryTags: [],
        updateSettings: false,
      },
    },
  } as unknown as Job;
}

function registry(tagMutability: TagMutability): OpenRegistry {
  return {
    target: TARGET,
    ecr: new Ecr(TARGET, SESSION, instantRetry()),
    login: { username: 'AWS', password: 'x' },
    repository: { tagMutability, mutabilityExclusions: [], scanOnPush: true },
    exists: true,
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
    await ensureCacheRepository(job('registry', true), registry('IMMUTABLE'), runner, emptyReport(false));
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
      ensureCacheRepository(job('registry', false), registry('IMMUTABLE'), runner, emptyReport(false)),
    ).rejects.toThrow(/mutable repository 'app-cache', which does not exist/);
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  it.each([
    ['an existing cache repository', 'registry', 'IMMUTABLE', true],
    ['a mutable repository', 'registry', 'MUTABLE', false],
    ['another cache mode', 'inline', 'IMMUTABLE', false],
  ] as const)('leaves %s alone', async (_name, cache, mutability, describes) => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'app-cache' }] });
    await ensureCacheRepository(job(cache, true), registry(mutability), runner, emptyReport(false));
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(describes ? 1 : 0);
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });
});
