import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { ENGINES } from '../test/stack/engines.js';
import {
  baseInputs,
  client,
  createRepository,
  registryDigest,
  stackEnv,
  stackEnvOn,
  uniqueRepo,
} from './support.js';

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

  // Each run is a job on its own runner, so each has a Docker engine of its own (the stack's two):
  // jobs sharing one engine also share its local image names, which the docker driver pushes by.
  it("one commit run on two runners at once, IMMUTABLE repository: both succeed with the winner's image", async () => {
    await client.reset();
    const repo = uniqueRepo('immutable-burst');
    await createRepository(repo, { imageTagMutability: 'IMMUTABLE' });
    const context = makeContext({ marker: 'one commit, two runners' });
    const inputs = { ...baseInputs(repo, context), tags: 'type=sha,format=long\ntype=raw,value=v1' };
    const runs = await Promise.all(
      ENGINES.map((engine) => runAction({ inputs, env: { ...stackEnvOn(engine.name), GITHUB_SHA: sha(7) } })),
    );
    for (const run of runs) expect(run.main.code, allOutput(run)).toBe(0);
    // One run pushed; the other adopted its image after ECR refused its push (or, when it planned
    // after the winner had finished, found the tags there and re-tagged nothing).
    const adopted = runs.filter((run) =>
      /Another run of this commit pushed .* using its image/.test(run.main.stdout),
    );
    const reused = runs.filter((run) => /^Reusing /m.test(run.main.stdout));
    expect(adopted.length + reused.length, runs.map(allOutput).join('\n')).toBe(1);

    const digests = new Set(runs.map((run) => run.outputs.digest));
    expect(digests.size, [...digests].join(' ')).toBe(1);
    const [digest] = digests;
    expect(digest).toMatch(/^sha256:/);
    for (const tag of [`sha-${sha(7)}`, 'v1']) expect(await registryDigest(repo, tag), tag).toBe(digest);
  });
});
