import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import {
  ACCOUNT,
  baseInputs,
  client,
  dockerAsUser,
  filesUnder,
  HOST,
  registryDigest,
  stackEnv,
  uniqueRepo,
} from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe.each([
  { ref: 'refs/heads/main', expected: [SHA] },
  { ref: 'refs/tags/v1.2.3', expected: ['1.2.3', '1.2', '1', SHA, 'latest'] },
])('push on $ref', ({ ref, expected }) => {
  it('pushes every tag to the digest it reports, and the post step cleans up', async () => {
    const repo = uniqueRepo('push');
    const run = await runAction({
      inputs: baseInputs(repo, makeContext()),
      env: { ...stackEnv(), GITHUB_REF: ref },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    const { outputs } = run;

    // The log in one group per phase, each saying what it did.
    const log = run.main.stdout;
    for (const group of ['AWS credentials', 'ECR', 'Tags and plan', 'Build and push'])
      expect(log).toContain(`::group::${group}`);
    expect(log).toMatch(
      /^Assumed role arn:aws:iam::\d{12}:role\/gha-ecr-push as arn:aws:sts::\d{12}:assumed-role\/gha-ecr-push\//m,
    );
    expect(log).toContain(`${expected.length} tag${expected.length === 1 ? '' : 's'}: `);
    expect(log).toMatch(/^Builder: /m);

    expect(outputs['tag-names']!.split('\n').sort()).toEqual([...expected].sort());
    expect(outputs.tags!.split('\n')).toEqual(
      outputs['tag-names']!.split('\n').map((t) => `${HOST}/${repo}:${t}`),
    );
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs.image).toBe(`${HOST}/${repo}@${outputs.digest}`);
    expect(outputs.pushed).toBe('true');
    expect(outputs.reused).toBe('false');
    expect(outputs['aws-account-id']).toBe(ACCOUNT.id);
    expect(outputs.registry).toBe(HOST);
    expect(JSON.parse(outputs['platform-digests']!)).toEqual({ 'linux/amd64': outputs.digest });
    expect(outputs.imageid).toMatch(/^sha256:/);
    expect(JSON.parse(outputs.metadata!)['containerimage.digest']).toBe(outputs.digest);

    for (const tag of expected) expect(await registryDigest(repo, tag), tag).toBe(outputs.digest);

    for (const tag of expected) expect(run.summary).toContain(`\`${tag}\``);
    expect(run.summary).toContain(outputs.digest);

    const pulled = dockerAsUser(['pull', outputs.image!]);
    expect(pulled.code, pulled.out).toBe(0);

    // Post step: no private docker config, nothing with a credential left in RUNNER_TEMP.
    expect(run.post.code).toBe(0);
    expect(existsSync(run.state['job-dir']!)).toBe(false);
    expect(filesUnder(run.runnerTemp)).toEqual([]);
  });
});

describe('a multi-layer image', () => {
  it('pushes tens of MB in several layers and reports the digest the registry serves', async () => {
    const repo = uniqueRepo('layers');
    await client.resetRegistryStats();
    const run = await runAction({
      inputs: baseInputs(repo, makeContext({ layersMb: [12, 12, 12] })),
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);
    const stats = await client.registryStats();
    expect(stats.blobUploadBytes).toBeGreaterThan(36 * 1024 * 1024);
    expect(Number(/Size \| ([\d.]+) MiB/.exec(run.summary)?.[1])).toBeGreaterThan(36);
  });
});

describe("tags as build-push-action's full references", () => {
  it('a reference naming the target becomes its tag; another image is refused before any push', async () => {
    const repo = uniqueRepo('fullref');
    const context = makeContext();
    const run = await runAction({
      inputs: { ...baseInputs(repo, context), tags: `${HOST}/${repo}:v9,${HOST}/${repo}:stable` },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.outputs['tag-names']!.split('\n')).toEqual(['v9', 'stable']);
    for (const tag of ['v9', 'stable']) expect(await registryDigest(repo, tag), tag).toBe(run.outputs.digest);

    const other = await runAction({
      inputs: { ...baseInputs(repo, context), tags: `${HOST}/${repo}:v10\n${HOST}/other-app:v10` },
      env: stackEnv(),
    });
    expect(other.main.code).not.toBe(0);
    expect(allOutput(other)).toContain(
      `line 2 "${HOST}/other-app:v10" names another image than the target ${HOST}/${repo}`,
    );
    expect(await registryDigest(repo, 'v10')).toBeUndefined();
  });
});

describe('a build-only check whose rules give no tag', () => {
  it('push: false builds untagged with a notice; push: true fails as before', async () => {
    const repo = uniqueRepo('notags');
    const inputs = { ...baseInputs(repo, makeContext()), tags: 'type=ref,event=branch' };
    const env = { ...stackEnv(), GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' };
    const check = await runAction({ inputs: { ...inputs, push: 'false' }, env });
    expect(check.main.code, allOutput(check)).toBe(0);
    expect(check.main.stdout).toMatch(
      /::notice::No tags planned for refs\/pull\/7\/merge.*Building without tags/,
    );
    expect(check.outputs.pushed).toBe('false');
    expect(check.outputs['tag-names']).toBe('');

    const push = await runAction({ inputs, env });
    expect(push.main.code).not.toBe(0);
    expect(allOutput(push)).toContain('No tags planned for refs/pull/7/merge');
  });
});
