import { CreateRepositoryCommand, ECRPUBLICClient } from '@aws-sdk/client-ecr-public';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, PUBLIC_ALIAS, PUBLIC_BACKEND_PORT, STATIC_KEYS } from '../test/stack/topology.js';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, HOST, registryDigest, stackEnv, uniqueRepo } from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const SECOND = ACCOUNTS[1]!;

describe('more than one registry', () => {
  it('pushes once and copies to a second account and region: same digest everywhere', async () => {
    const repo = uniqueRepo('multi');
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), registries: `${SECOND.id}/${SECOND.region}` },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    const targets = JSON.parse(run.outputs.targets!) as { uri: string; pushed: boolean; digest: string }[];
    expect(targets.map((t) => [t.uri, t.pushed, t.digest])).toEqual([
      [`${HOST}/${repo}`, true, run.outputs.digest],
      [`${SECOND.host}/${repo}`, true, run.outputs.digest],
    ]);
    expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);
    expect(await registryDigest(repo, SHA, SECOND.backendPort)).toBe(run.outputs.digest);
    expect(run.summary).toContain(`\`${SECOND.host}/${repo}\` | yes`);
  });

  it('a target with a role of its own: a second AssumeRoleWithWebIdentity, into that account', async () => {
    await client.reset();
    const repo = uniqueRepo('multi-role');
    const run = await runAction({
      inputs: {
        ...baseInputs(repo, makeContext()),
        registries: `${SECOND.id}/${SECOND.region}=arn:aws:iam::${SECOND.id}:role/gha-ecr-push`,
      },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    const log = await client.getLog();
    expect(log.filter((r) => r.operation === 'AssumeRoleWithWebIdentity' && r.status === 200)).toHaveLength(
      2,
    );
    expect(
      (await client.repositories())
        .filter((r) => r.name === repo)
        .map((r) => r.registryId)
        .sort(),
    ).toEqual([ACCOUNTS[0]!.id, SECOND.id].sort());
    expect(await registryDigest(repo, SHA, SECOND.backendPort)).toBe(run.outputs.digest);
  });

  it('ECR Public as a target: logs in through the ECR Public API and copies the image', async () => {
    const repo = uniqueRepo('pub');
    const pub = new ECRPUBLICClient({
      region: 'us-east-1',
      endpoint: stackEnv().AWS_ENDPOINT_URL_ECR_PUBLIC,
      credentials: { accessKeyId: STATIC_KEYS.accessKeyId, secretAccessKey: STATIC_KEYS.secretAccessKey },
    });
    await pub.send(new CreateRepositoryCommand({ repositoryName: repo }));
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), registries: `public.ecr.aws/${PUBLIC_ALIAS}` },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(await registryDigest(`${PUBLIC_ALIAS}/${repo}`, SHA, PUBLIC_BACKEND_PORT)).toBe(
      run.outputs.digest,
    );
  });

  it('one target failing: the step fails, and outputs and summary say which targets have the image', async () => {
    const repo = uniqueRepo('partial');
    // No ECR Public repository of that name: the copy is refused, the primary push stands.
    const run = await runAction({
      inputs: {
        ...baseInputs(repo, makeContext()),
        registries: `public.ecr.aws/${PUBLIC_ALIAS}`,
        'max-attempts': '1',
      },
      env: stackEnv(),
    });
    expect(run.main.code).toBe(1);
    expect(allOutput(run)).toMatch(
      new RegExp(`Pushed to ${HOST}/${repo}; failed for public.ecr.aws/${PUBLIC_ALIAS}/${repo}`),
    );
    expect(run.outputs.pushed).toBe('false');
    expect(run.outputs.digest).toMatch(/^sha256:/);
    const targets = JSON.parse(run.outputs.targets!) as { pushed: boolean; error?: string }[];
    expect(targets.map((t) => t.pushed)).toEqual([true, false]);
    expect(targets[1]!.error).toBeTruthy();
    expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);
    expect(run.summary).toMatch(/ecr-build-push: failed/);
    expect(run.summary).toContain(`\`${HOST}/${repo}\` | yes`);
    expect(run.summary).toContain(`\`public.ecr.aws/${PUBLIC_ALIAS}/${repo}\` | no`);
    expect(run.post.code).toBe(0);
  });
});
