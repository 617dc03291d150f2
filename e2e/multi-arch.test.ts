/**
 * Native multi-arch, as the multi-arch workflow runs it: each platform built on its own
 * runner (here: the containerd engine, which builds either platform of a FROM scratch image),
 * then a merge job that composes the index with API calls only. The legs push a tag per
 * platform: push-by-digest needs a docker-container builder (buildx has none for the docker
 * driver), whose image the offline stack cannot pull; the merge only needs the digests.
 */
import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import {
  ACCOUNT,
  baseInputs,
  client,
  registryDigest,
  registryPassword,
  stackEnvOn,
  uniqueRepo,
} from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

async function manifest(
  repo: string,
  ref: string,
): Promise<{ manifests: { digest: string; platform: { os: string; architecture: string } }[] }> {
  const auth = Buffer.from(`AWS:${registryPassword()}`).toString('base64');
  const res = await fetch(`http://127.0.0.1:${ACCOUNT.backendPort}/v2/${repo}/manifests/${ref}`, {
    headers: { Authorization: `Basic ${auth}`, Accept: 'application/vnd.oci.image.index.v1+json' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

describe('two single-platform images from two native runners, then merge-digests', () => {
  it('the tags resolve to an index of exactly both digests; the merge uploads no blob; an identical merge on an IMMUTABLE repository is a no-op', async () => {
    const repo = uniqueRepo('multi-arch');
    const context = makeContext();
    const leg = (platform: string) =>
      runAction({
        inputs: {
          ...baseInputs(repo, context),
          'image-tag-mutability': 'IMMUTABLE',
          platforms: platform,
          tags: `type=raw,value=${platform.split('/')[1]}`,
        },
        env: stackEnvOn('containerd'),
      });
    // The two legs run on two runners at once.
    const [amd, arm] = await Promise.all([leg('linux/amd64'), leg('linux/arm64')]);
    for (const r of [amd, arm]) {
      expect(r.main.code, allOutput(r)).toBe(0);
      expect(r.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(JSON.parse(amd.outputs['platform-digests']!)).toEqual({ 'linux/amd64': amd.outputs.digest });
    expect(JSON.parse(arm.outputs['platform-digests']!)).toEqual({ 'linux/arm64': arm.outputs.digest });
    expect(await registryDigest(repo, `sha-${SHA}`)).toBeUndefined(); // the merged tags do not exist yet

    // The merge job: no docker on PATH at all, no checkout (an empty working directory).
    const merge = () =>
      runAction({
        inputs: {
          'role-to-assume': baseInputs(repo, context)['role-to-assume']!,
          'aws-region': ACCOUNT.region,
          repository: repo,
          // One entry as the workflow passes it (PLATFORM=DIGEST), one bare: its platform comes from the config.
          'merge-digests': `linux/amd64=${amd.outputs.digest}\n${arm.outputs.digest}`,
          tags: 'type=sha,format=long\ntype=raw,value=v1',
        },
        env: { ...stackEnvOn('containerd'), PATH: '/nonexistent' },
        cwd: makeContext(),
      });
    const ecrCalls = async (since: number) =>
      (await client.getLog())
        .slice(since)
        .filter((r) => r.service === 'ecr')
        .map((r) => r.operation);
    await client.resetRegistryStats();
    let mark = (await client.getLog()).length;
    const first = await merge();
    expect(first.main.code, allOutput(first)).toBe(0);
    const stats = await client.registryStats();
    expect(stats.byKind['blob-upload']).toBe(0);
    expect(stats.blobUploadBytes).toBe(0);
    expect((await ecrCalls(mark)).filter((op) => op === 'PutImage')).toHaveLength(2);

    const index = first.outputs.digest!;
    expect(JSON.parse(first.outputs['platform-digests']!)).toEqual({
      'linux/amd64': amd.outputs.digest,
      'linux/arm64': arm.outputs.digest,
    });
    expect(first.outputs['tag-names']!.split('\n').sort()).toEqual([`sha-${SHA}`, 'v1']);
    for (const tag of [`sha-${SHA}`, 'v1']) expect(await registryDigest(repo, tag), tag).toBe(index);
    const listed = (await manifest(repo, 'v1')).manifests;
    expect(listed.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest])).toEqual([
      ['linux/amd64', amd.outputs.digest],
      ['linux/arm64', arm.outputs.digest],
    ]);
    expect(first.summary).toContain('merged into an index');

    // A re-run of the merge job: same index, every immutable tag already names it.
    mark = (await client.getLog()).length;
    const again = await merge();
    expect(again.main.code, allOutput(again)).toBe(0);
    expect(again.outputs.digest).toBe(index);
    expect(again.outputs.reused).toBe('true');
    expect(await ecrCalls(mark)).not.toContain('PutImage');
  });
});
