import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { allOutput, ROOT, runAction, type ActionJob } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, HOST, registryDigest, stackEnv, uniqueRepo } from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

async function ecrOps(): Promise<string[]> {
  return (await client.getLog()).filter((r) => r.service === 'ecr').map((r) => r.operation);
}

/** Runs the action and returns its outputs with what it cost the registry. */
async function ship(job: ActionJob) {
  await client.resetRegistryStats();
  const run = await runAction({ ...job, env: { ...stackEnv(), ...job.env } });
  return { run, stats: await client.registryStats() };
}

describe('ECR-aware publishing', () => {
  beforeEach(() => client.reset());

  it('a re-run on the same commit reuses the image: no build, no blob upload', async () => {
    const repo = uniqueRepo('rerun');
    const job = {
      inputs: {
        ...baseInputs(repo, makeContext()),
        tags: 'type=sha,format=long,prefix=\ntype=ref,event=branch',
      },
    };
    const first = await ship(job);
    expect(first.run.main.code, allOutput(first.run)).toBe(0);
    expect(first.run.outputs.reused).toBe('false');
    expect(first.stats.blobUploadBytes).toBeGreaterThan(0);

    const second = await ship(job);
    expect(second.run.main.code, allOutput(second.run)).toBe(0);
    expect(second.run.outputs.reused).toBe('true');
    expect(second.run.outputs.digest).toBe(first.run.outputs.digest);
    expect(second.stats.blobUploadBytes).toBe(0);
    expect(second.stats.byKind['blob-upload'] ?? 0).toBe(0);
    expect(allOutput(second.run)).not.toMatch(/buildx build/);
  });

  it('an IMMUTABLE repository re-run succeeds without a build', async () => {
    const repo = uniqueRepo('immutable-rerun');
    const job = { inputs: { ...baseInputs(repo, makeContext()), 'image-tag-mutability': 'IMMUTABLE' } };
    const first = await ship(job);
    expect(first.run.main.code, allOutput(first.run)).toBe(0);
    const second = await ship(job);
    expect(second.run.main.code, allOutput(second.run)).toBe(0);
    expect(second.run.outputs.reused).toBe('true');
    expect(second.run.outputs.digest).toBe(first.run.outputs.digest);
    expect(second.stats.byKind['manifest-put'] ?? 0).toBe(0);
    expect(second.run.summary).toContain('already there');
  });

  it('a conflicting IMMUTABLE tag fails before the build and lists the digests', async () => {
    const repo = uniqueRepo('immutable-conflict');
    const context = makeContext();
    const inputs = {
      ...baseInputs(repo, context),
      'image-tag-mutability': 'IMMUTABLE',
      tags: 'type=raw,value=stable\ntype=sha,format=long,prefix=',
    };
    const first = await ship({ inputs });
    expect(first.run.main.code, allOutput(first.run)).toBe(0);
    // Another build configuration of the same commit: both tags exist and point elsewhere.
    const second = await ship({ inputs: { ...inputs, 'build-args': 'FLAVOUR=other' } });
    expect(second.run.main.code).toBe(1);
    const out = allOutput(second.run);
    expect(out).toMatch(/immutable and 2 planned tag\(s\) already point at another image/);
    expect(out).toContain(`${HOST}/${repo}:stable -> ${first.run.outputs.digest}`);
    expect(out).toContain(`${HOST}/${repo}:${SHA} -> ${first.run.outputs.digest}`);
    expect(second.stats.byKind['blob-upload'] ?? 0).toBe(0);
    expect(second.run.outputs.pushed).toBe('false');
  });

  it('on-immutable-conflict: skip pushes the new tags and leaves the existing ones', async () => {
    const repo = uniqueRepo('immutable-skip');
    const inputs = {
      ...baseInputs(repo, makeContext()),
      'image-tag-mutability': 'IMMUTABLE',
      tags: 'type=raw,value=stable',
    };
    const first = await ship({ inputs });
    expect(first.run.main.code, allOutput(first.run)).toBe(0);
    const second = await ship({
      inputs: {
        ...inputs,
        'build-args': 'X=1',
        tags: 'type=raw,value=stable\ntype=raw,value=next',
        'on-immutable-conflict': 'skip',
      },
    });
    expect(second.run.main.code, allOutput(second.run)).toBe(0);
    expect(second.run.outputs['tag-names']).toBe('next');
    expect(await registryDigest(repo, 'stable')).toBe(first.run.outputs.digest);
    expect(await registryDigest(repo, 'next')).toBe(second.run.outputs.digest);
    expect(JSON.parse(second.run.outputs.plan!).skipped[0].tag).toBe('stable');
  });

  it('a release tag on an already-built commit is added with PutImage, moving no layer', async () => {
    const repo = uniqueRepo('release');
    const context = makeContext();
    const built = await ship({ inputs: baseInputs(repo, context) });
    expect(built.run.main.code, allOutput(built.run)).toBe(0);
    await client.reset();
    const released = await ship({
      inputs: baseInputs(repo, context),
      env: { GITHUB_REF: 'refs/tags/v2.0.0' },
    });
    expect(released.run.main.code, allOutput(released.run)).toBe(0);
    expect(released.run.outputs.reused).toBe('true');
    expect(released.stats.blobUploadBytes).toBe(0);
    for (const tag of ['2.0.0', '2.0', '2', 'latest', SHA])
      expect(await registryDigest(repo, tag), tag).toBe(built.run.outputs.digest);
    expect((await ecrOps()).filter((op) => op === 'PutImage')).toHaveLength(4);
    // A re-tag needs no docker at all: no login, so nothing for the post step to log out of.
    expect(released.run.state.hosts).toBeUndefined();
  });

  it('a release reuses the branch build under sha-<sha> tags (type=sha,format=long, as the README shows)', async () => {
    const repo = uniqueRepo('sha-prefix');
    const inputs = {
      ...baseInputs(repo, makeContext()),
      tags: 'type=sha,format=long\ntype=ref,event=branch\ntype=semver,pattern={{version}}',
    };
    const built = await ship({ inputs });
    expect(built.run.main.code, allOutput(built.run)).toBe(0);
    expect(built.run.outputs['tag-names']!.split('\n')).toContain(`sha-${SHA}`);
    await client.reset();
    const released = await ship({ inputs, env: { GITHUB_REF: 'refs/tags/v3.1.0' } });
    expect(released.run.main.code, allOutput(released.run)).toBe(0);
    expect(released.run.outputs.reused).toBe('true');
    expect(released.stats.blobUploadBytes).toBe(0);
    for (const tag of ['3.1.0', 'latest', `sha-${SHA}`])
      expect(await registryDigest(repo, tag), tag).toBe(built.run.outputs.digest);
  });

  it('reuse-key: tree reuses the image of an unchanged build context across commits', async () => {
    // The context must be committed at HEAD: the example app of this repository.
    mkdirSync(join(ROOT, 'examples/app/bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(ROOT, 'examples/app/bin/busybox'));
    const tree = execFileSync('git', ['rev-parse', 'HEAD:examples/app'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const repo = uniqueRepo('tree');
    const inputs = { ...baseInputs(repo, 'examples/app'), 'reuse-key': 'tree' };
    const first = await ship({ inputs, env: { GITHUB_SHA: 'a'.repeat(40) } });
    expect(first.run.main.code, allOutput(first.run)).toBe(0);
    expect(first.run.outputs['tag-names']!.split('\n')).toContain(`tree-${tree}`);
    const next = await ship({ inputs, env: { GITHUB_SHA: 'b'.repeat(40) } });
    expect(next.run.main.code, allOutput(next.run)).toBe(0);
    expect(next.run.outputs.reused).toBe('true');
    expect(next.stats.blobUploadBytes).toBe(0);
    expect(await registryDigest(repo, 'b'.repeat(40))).toBe(first.run.outputs.digest);
  });

  it('create-repository creates the repository with the requested settings', async () => {
    const repo = uniqueRepo('created');
    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 7,
          },
          action: { type: 'expire' },
        },
      ],
    });
    const run = await ship({
      inputs: {
        ...baseInputs(repo, makeContext()),
        'image-tag-mutability': 'IMMUTABLE_WITH_EXCLUSION',
        'image-tag-mutability-exclusions': 'latest\ndev-*',
        'scan-on-push': 'false',
        'repository-tags': 'team=platform\ncost-center=42',
        'lifecycle-policy': policy,
      },
    });
    expect(run.run.main.code, allOutput(run.run)).toBe(0);
    const created = (await client.repositories()).find((r) => r.name === repo);
    expect(created).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      mutabilityExclusions: ['latest', 'dev-*'],
      scanOnPush: false,
      tags: [
        { Key: 'team', Value: 'platform' },
        { Key: 'cost-center', Value: '42' },
      ],
    });
    expect(JSON.parse(created!.lifecyclePolicy!)).toEqual(JSON.parse(policy));
  });

  it('a missing repository without create-repository fails with the command to create it', async () => {
    const repo = uniqueRepo('missing');
    const { run, stats } = await ship({
      inputs: { ...baseInputs(repo, makeContext()), 'create-repository': 'false' },
    });
    expect(run.main.code).toBe(1);
    expect(allOutput(run)).toMatch(
      new RegExp(
        `Repository '${repo}' does not exist[\\s\\S]*aws ecr create-repository --repository-name ${repo}`,
      ),
    );
    expect(stats.requests).toBe(0);
  });

  describe('scan gate', () => {
    it('fails on a seeded CRITICAL finding, after the push, and says what was pushed', async () => {
      const repo = uniqueRepo('scan-bad');
      await client.seedFindings({ repository: repo, counts: { CRITICAL: 1, HIGH: 2 } });
      const { run } = await ship({
        inputs: {
          ...baseInputs(repo, makeContext()),
          scan: 'wait',
          'fail-on-severity': 'HIGH',
          'scan-timeout': '60',
        },
      });
      expect(run.main.code).toBe(1);
      expect(allOutput(run)).toMatch(/Scan gate failed: findings at or above HIGH: CRITICAL=1, HIGH=2/);
      expect(run.outputs.pushed).toBe('true');
      expect(JSON.parse(run.outputs['scan-findings']!)).toEqual({ CRITICAL: 1, HIGH: 2 });
      expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);
      expect(run.summary).toMatch(/\| CRITICAL \| 1 \|/);
    });

    it('reports an image the scanner does not support instead of passing it silently', async () => {
      const repo = uniqueRepo('scan-unsupported');
      await client.seedFindings({ repository: repo, counts: {}, status: 'UNSUPPORTED_IMAGE' });
      const { run } = await ship({
        inputs: {
          ...baseInputs(repo, makeContext()),
          scan: 'wait',
          'fail-on-severity': 'CRITICAL',
          'scan-timeout': '60',
        },
      });
      expect(run.main.code).toBe(1);
      expect(allOutput(run)).toMatch(
        /Scan gate could not decide for sha256:[0-9a-f]{64}: status UNSUPPORTED_IMAGE/,
      );
      expect(run.outputs.pushed).toBe('true');
      expect(run.summary).toMatch(/Scan\*\*: UNSUPPORTED_IMAGE \(unsupported/);
    });

    it('passes a clean image', async () => {
      const repo = uniqueRepo('scan-good');
      const { run } = await ship({
        inputs: {
          ...baseInputs(repo, makeContext()),
          scan: 'wait',
          'fail-on-severity': 'LOW',
          'scan-timeout': '60',
        },
      });
      expect(run.main.code, allOutput(run)).toBe(0);
      expect(run.summary).toMatch(/Scan\*\*: COMPLETE \(passed/);
    });
  });
});
