import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, registryDigest, stackEnv, uniqueRepo } from './support.js';

const RELEASE_TAGS = [
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=sha,format=long',
].join('\n');

const sha = (n: number) => `${String(n).repeat(40)}`.slice(0, 40);

describe('concurrent runs', () => {
  it('six releases at once: latest, 1 and 1.5 end on 1.5.0, whoever finishes last', async () => {
    await client.reset();
    const releases = uniqueRepo('burst');
    const versions = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'];
    const burst = versions.map((version, i) =>
      runAction({
        inputs: {
          ...baseInputs(releases, makeContext({ marker: `release ${version}` })),
          tags: RELEASE_TAGS,
        },
        env: {
          ...stackEnv(),
          GITHUB_REF: `refs/tags/v${version}`,
          GITHUB_REF_NAME: `v${version}`,
          GITHUB_SHA: sha(i + 1),
        },
      }),
    );
    const runs = await Promise.all(burst);
    for (const run of runs) expect(run.main.code, allOutput(run)).toBe(0);

    // The moving tags end on the highest release, whoever finished last.
    const newest = runs[versions.length - 1]!.outputs.digest!;
    expect(newest).toMatch(/^sha256:/);
    for (const tag of ['latest', '1', '1.5', '1.5.0'])
      expect(await registryDigest(releases, tag), tag).toBe(newest);
    for (const [i, version] of versions.entries())
      expect(await registryDigest(releases, version), version).toBe(runs[i]!.outputs.digest);
  });
});
