/**
 * The role teams already have: exactly amazon-ecr-login's documented push/pull policy. The default
 * paths (push on a branch, a re-run, a release re-tag) succeed with it; every call outside it is
 * skipped with one warning naming the permission and what was left out.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { PUSH_PULL_POLICY } from '../test/stack/topology.js';
import {
  baseInputs,
  client,
  createRepository,
  PUSH_PULL_ROLE,
  registryDigest,
  stackEnv,
  uniqueRepo,
} from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

/** Warnings about a missing permission, from the `plan` output. */
function permissionWarnings(outputs: Record<string, string>): string[] {
  const warnings = (JSON.parse(outputs.plan!) as { warnings: string[] }).warnings;
  return warnings.filter((w) => w.startsWith('The role may not call'));
}

describe('with only the push/pull policy', () => {
  beforeEach(() => client.reset());

  it('pushes on a branch, re-runs and re-tags a release, warning once per permission it lacks', async () => {
    const repo = uniqueRepo('least');
    await createRepository(repo);
    const inputs = { ...baseInputs(repo, makeContext()), 'role-to-assume': PUSH_PULL_ROLE };

    const push = await runAction({ inputs, env: stackEnv() });
    expect(push.main.code, allOutput(push)).toBe(0);
    expect(push.outputs.pushed).toBe('true');
    expect(await registryDigest(repo, SHA)).toBe(push.outputs.digest);
    expect(permissionWarnings(push.outputs)).toEqual([
      expect.stringMatching(
        /^The role may not call ecr:DescribeRepositories: the repository's settings were not read/,
      ),
    ]);
    // The size comes from the pushed manifest (BatchGetImage, in the policy): no DescribeImages.
    expect(push.summary).toMatch(/\| Size \| /);
    // A warning the log shows, not only the summary.
    expect(push.main.stdout).toContain('::warning::The role may not call ecr:DescribeRepositories');

    const rerun = await runAction({ inputs, env: stackEnv() });
    expect(rerun.main.code, allOutput(rerun)).toBe(0);
    expect(rerun.outputs.reused).toBe('true');
    expect(rerun.outputs.digest).toBe(push.outputs.digest);
    // A reuse reports the image it found as a build would: its id (the config digest) and metadata.
    expect(rerun.outputs.imageid).toBe(push.outputs.imageid);
    expect(JSON.parse(rerun.outputs.metadata!)['containerimage.digest']).toBe(push.outputs.digest);
    expect(permissionWarnings(rerun.outputs)).toEqual([
      expect.stringMatching(/^The role may not call ecr:DescribeRepositories/),
    ]);

    const before = (await client.getLog()).length;
    const release = await runAction({ inputs, env: { ...stackEnv(), GITHUB_REF: 'refs/tags/v1.4.0' } });
    expect(release.main.code, allOutput(release)).toBe(0);
    expect(release.outputs.reused).toBe('true');
    for (const tag of ['1.4.0', '1.4', '1', 'latest'])
      expect(await registryDigest(repo, tag), tag).toBe(push.outputs.digest);
    expect(permissionWarnings(release.outputs)).toEqual([
      expect.stringMatching(/^The role may not call ecr:DescribeRepositories/),
      expect.stringMatching(
        /^The role may not call ecr:ListImages: latest was added without checking .*; the check that latest, MAJOR and MAJOR.MINOR are not held/,
      ),
    ]);
    // Everything answered is in the policy; each call outside it was refused once in the run.
    const ecrCalls = (await client.getLog()).slice(before).filter((r) => r.service === 'ecr');
    const allowed = new Set(PUSH_PULL_POLICY.flatMap((s) => s.actions).map((a) => a.replace(/^ecr:/, '')));
    for (const call of ecrCalls.filter((r) => r.status === 200)) expect(allowed).toContain(call.operation);
    const refused = ecrCalls.filter((r) => r.status !== 200).map((r) => r.operation);
    expect(refused.sort()).toEqual(['DescribeRepositories', 'ListImages']);
  });

  it('scan: wait is skipped with a warning; a fail-on-severity gate cannot pass unseen', async () => {
    const repo = uniqueRepo('least-scan');
    await createRepository(repo);
    const inputs = { ...baseInputs(repo, makeContext()), 'role-to-assume': PUSH_PULL_ROLE, scan: 'wait' };

    const skipped = await runAction({ inputs, env: stackEnv() });
    expect(skipped.main.code, allOutput(skipped)).toBe(0);
    expect(permissionWarnings(skipped.outputs)).toContainEqual(
      expect.stringMatching(
        /^The role may not call ecr:DescribeImageScanFindings: the image was not scanned/,
      ),
    );

    const gated = await runAction({ inputs: { ...inputs, 'fail-on-severity': 'HIGH' }, env: stackEnv() });
    expect(gated.main.code).not.toBe(0);
    expect(allOutput(gated)).toContain('Access denied to ecr:DescribeImageScanFindings');
  });
});
