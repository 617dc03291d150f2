import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RepositoryState, StoredImage, TagMutability } from '../../src/types/registry.js';
import { MEDIA_TYPES } from '../../src/oci/media-types.js';
import { buildxArgs } from '../../src/docker/buildx-args.js';
import { EcrError } from '../../src/errors.js';
import { FINGERPRINT_LABEL } from '../../src/plan/fingerprint.js';
import type { PublishPlan } from '../../src/plan/publish-plan.js';
import type { RunPlan } from '../../src/steps/plan.js';
import type { Job } from '../../src/steps/prepare.js';
import { manifestSize, platformDigests } from '../../src/oci/manifest.js';
import { assertNoConflicts } from '../../src/steps/publish.js';
import { prepareBuild, type PreparedBuild } from '../../src/steps/build.js';
import { buildEverything } from '../../src/plan/publish-plan.js';
import { HOST, jobOf, openedRegistry } from '../support/job.js';

const URI = `${HOST}/app`;
const d = (c: string) => `sha256:${c.repeat(64)}`;

function index(manifests: unknown[]): StoredImage {
  return {
    digest: d('0'),
    manifest: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES[0], manifests }),
    mediaType: MEDIA_TYPES[0]!,
  };
}

describe('platformDigests', () => {
  const rows: [string, StoredImage, Record<string, string>][] = [
    [
      'single manifest → the fallback platform',
      {
        digest: d('a'),
        manifest: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES[2], layers: [] }),
        mediaType: MEDIA_TYPES[2]!,
      },
      { 'linux/amd64': d('a') },
    ],
    [
      'multi-platform index',
      index([
        { digest: d('1'), platform: { os: 'linux', architecture: 'amd64' } },
        { digest: d('2'), platform: { os: 'linux', architecture: 'arm64' } },
        { digest: d('3'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      ]),
      { 'linux/amd64': d('1'), 'linux/arm64': d('2'), 'linux/arm/v7': d('3') },
    ],
    [
      'attestation entries (unknown/unknown) left out',
      index([
        { digest: d('1'), platform: { os: 'linux', architecture: 'amd64' } },
        {
          digest: d('9'),
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': d('1'),
          },
        },
      ]),
      { 'linux/amd64': d('1') },
    ],
    [
      'entries without a platform left out',
      index([{ digest: d('1') }, { digest: d('2'), platform: { os: 'windows', architecture: 'amd64' } }]),
      { 'windows/amd64': d('2') },
    ],
    ['empty index', index([]), {}],
  ];
  it.each(rows)('%s', (_name, image, expected) => {
    expect(platformDigests(image, 'linux/amd64')).toEqual(expected);
  });
});

describe('assertNoConflicts', () => {
  const plan = (conflicts: PublishPlan['conflicts']): PublishPlan => ({
    mode: 'build',
    push: ['abc'],
    put: [],
    unchanged: [],
    skipped: [],
    conflicts,
    warnings: [],
    reason: '',
  });

  it('no conflicts: passes', () => {
    expect(() => assertNoConflicts(plan([]), URI)).not.toThrow();
  });

  it('conflicts: fails before the build listing each tag and its current digest', () => {
    let thrown: unknown;
    try {
      assertNoConflicts(
        plan([
          { tag: 'v1.2.3', digest: d('b') },
          { tag: 'latest', digest: d('c') },
        ]),
        URI,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EcrError);
    const err = thrown as EcrError;
    expect(err.code).toBe('ImmutableTagConflict');
    expect(err.message).toContain('2 planned tag(s)');
    expect(err.message).toContain(`${URI}:v1.2.3 -> ${d('b')}`);
    expect(err.message).toContain(`${URI}:latest -> ${d('c')}`);
    expect(err.hint).toContain('Nothing was built or pushed');
    expect(err.hint).toContain('on-immutable-conflict: skip');
  });
});

describe('prepareBuild', () => {
  const TAGS = ['v1.2.3'];
  /** The run's plan: the job's tags, all pushed. */
  const planOf = (job: Job, push = TAGS): RunPlan => ({ tags: job.tags, publish: buildEverything(push, '') });
  const buildSpec = (inputs: Record<string, string>, repository: Partial<RepositoryState> = {}) => {
    const { job, runner } = jobOf({ tags: 'type=raw,value=v1.2.3', ...inputs });
    const plan = planOf(job);
    return {
      ...prepareBuild(job, plan, openedRegistry(repository), plan.publish.push, true, runner),
      job,
      runner,
    };
  };

  // repository mutability → where `cache: registry` keeps its moving `buildcache` tag
  const rows: [string, TagMutability, string[], string][] = [
    ['MUTABLE', 'MUTABLE', [], `${URI}:buildcache`],
    ['IMMUTABLE', 'IMMUTABLE', [], `${URI}-cache:buildcache`],
    [
      'IMMUTABLE_WITH_EXCLUSION excluding buildcache',
      'IMMUTABLE_WITH_EXCLUSION',
      ['buildcache'],
      `${URI}:buildcache`,
    ],
    [
      'IMMUTABLE_WITH_EXCLUSION excluding only latest',
      'IMMUTABLE_WITH_EXCLUSION',
      ['latest'],
      `${URI}-cache:buildcache`,
    ],
    ['MUTABLE_WITH_EXCLUSION with v*', 'MUTABLE_WITH_EXCLUSION', ['v*'], `${URI}:buildcache`],
    ['MUTABLE_WITH_EXCLUSION with build*', 'MUTABLE_WITH_EXCLUSION', ['build*'], `${URI}-cache:buildcache`],
  ];
  it.each(rows)('cache: registry on %s', (_name, tagMutability, mutabilityExclusions, ref) => {
    const { spec } = buildSpec(
      { cache: 'registry', builder: 'fleet' },
      { tagMutability, mutabilityExclusions },
    );
    expect(spec.cacheTo).toEqual([
      `type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true`,
    ]);
    expect(spec.cacheFrom).toEqual([`type=registry,ref=${ref}`]);
  });

  it('secret values go to 0600 files; argv only names the file', () => {
    const { spec, dir: jobDir, runner } = buildSpec({ secrets: 'npm=npm_TOPSECRETVALUE' });
    const args = buildxArgs(spec);
    expect(args.join(' ')).not.toContain('npm_TOPSECRETVALUE');
    const path = join(jobDir.secrets, 'npm');
    expect(args).toContain(`id=npm,src=${path}`);
    expect(readFileSync(path, 'utf8')).toBe('npm_TOPSECRETVALUE');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The post step removes the directory with the secret file.
    expect(runner.state['job-dir']).toBe(jobDir.root);
  });

  it('buildx tags only the primary registry with the planned push tags; the fingerprint label is added', () => {
    const { spec, job } = buildSpec({});
    expect(spec.tags).toEqual([`${URI}:v1.2.3`]);
    expect(spec.labels).toMatchObject({
      'org.opencontainers.image.version': 'v1.2.3',
      [FINGERPRINT_LABEL]: job.fingerprint,
    });
    expect(spec.builder).toBeUndefined();
  });

  it('push-by-digest: no tags, the image exporter pushes by digest to the repository', () => {
    const { spec } = buildSpec({ 'push-by-digest': 'true', platforms: 'linux/arm64' });
    expect(spec.tags).toEqual([]);
    const args = buildxArgs(spec);
    expect(args).toContain(`type=image,name=${URI},push-by-digest=true,name-canonical=true,push=true`);
    expect(args).not.toContain('--push');
  });

  // build inputs → what the build asks of a builder (chosen when it runs, after detection)
  const needs: [string, Record<string, string>, Partial<PreparedBuild['needs']>][] = [
    ['plain build', {}, { cacheExport: false, attestations: false }],
    [
      'two platforms',
      { platforms: 'linux/amd64,linux/arm64' },
      { platforms: ['linux/amd64', 'linux/arm64'] },
    ],
    ['registry cache', { cache: 'registry' }, { cacheExport: true }],
    ['inline cache', { cache: 'inline' }, { cacheExport: false }],
    ['provenance', { provenance: 'mode=max' }, { attestations: true }],
    ['sbom', { sbom: 'true' }, { attestations: true }],
    ['attests', { attests: 'type=sbom' }, { attestations: true }],
    ['push by digest', { 'push-by-digest': 'true' }, { pushByDigest: true }],
  ];
  it.each(needs)('%s → needs %j', (_name, inputs, expected) => {
    const build = buildSpec(inputs);
    expect(build.needs).toMatchObject(expected);
    expect(build.spec.builder).toBe(inputs.builder);
  });
});

describe('manifestSize', () => {
  it.each([
    ['config and layers add up', { config: { size: 100 }, layers: [{ size: 1000 }, { size: 24 }] }, 1124],
    ['no layers', { config: { size: 7 }, layers: [] }, 7],
    ['an index has no single size', { manifests: [{ digest: 'sha256:x' }] }, undefined],
  ])('%s', (_name, manifest, size) => {
    expect(manifestSize(JSON.stringify(manifest))).toBe(size);
  });
});
