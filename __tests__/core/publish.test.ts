import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildInputs } from './helpers.js';
import type { RepositoryState, StoredImage, TagMutability } from '../../src/types/registry.js';
import { MEDIA_TYPES } from '../../src/oci/media-types.js';
import { resolveTarget } from '../../src/aws/registry-host.js';
import { buildxArgs } from '../../src/docker/buildx-args.js';
import { EcrError } from '../../src/errors.js';
import type { BuildInputs } from '../../src/inputs/types.js';
import { FINGERPRINT_LABEL } from '../../src/plan/fingerprint.js';
import type { PublishPlan } from '../../src/plan/publish-plan.js';
import type { RegistryPlan } from '../../src/steps/plan.js';
import type { Job } from '../../src/steps/prepare.js';
import { manifestSize, platformDigests } from '../../src/oci/manifest.js';
import { assertNoConflicts } from '../../src/steps/publish.js';
import { prepareBuild, type PreparedBuild } from '../../src/steps/build.js';
import { buildEverything } from '../../src/plan/publish-plan.js';
import { emptyReport } from '../../src/report/run-report.js';
import type { Runner } from '../../src/runner/runner.js';
import type { OpenRegistry } from '../../src/steps/registry.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';
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
  const temp = mkdtempSync(join(tmpdir(), 'core-publish-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  const inputs = buildInputs;
  const job = (build: BuildInputs) =>
    ({
      inputs: { build },
      repository: 'my-app',
      ctx: { runId: '42' },
      fingerprint: 'fp-1',
    }) as unknown as Job;
  const registry = (
    uri: string,
    tagMutability: TagMutability,
    mutabilityExclusions: string[] = [],
  ): OpenRegistry => {
    const [host, repo] = [uri.slice(0, uri.indexOf('/')), uri.slice(uri.indexOf('/') + 1)];
    const repository: RepositoryState = { tagMutability, mutabilityExclusions, scanOnPush: false };
    return {
      target: resolveTarget(host, repo, 'eu-west-1', '1'),
      login: { username: 'AWS', password: 'x' },
      repository,
      exists: true,
    } as OpenRegistry;
  };
  const plan = (push: string[], tags: string[]): RegistryPlan =>
    ({
      tags: { tags, labels: { 'org.opencontainers.image.version': '1.2.3' } },
      publish: buildEverything(push, ''),
    }) as unknown as RegistryPlan;
  const runner = {
    env: { RUNNER_TEMP: temp, DOCKER_CONFIG: join(temp, 'no-user-docker') },
    saveState: () => undefined,
  } as unknown as Runner;
  const buildSpec = (j: Job, p: RegistryPlan, r: OpenRegistry) =>
    prepareBuild(j, p, r, p.publish.push, true, runner, emptyReport(false));

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
  it.each(rows)('cache: registry on %s', (_name, mutability, exclusions, ref) => {
    const { spec } = buildSpec(
      job(inputs({ cache: 'registry', builder: 'fleet', platforms: [] })),
      plan(['v1'], ['v1']),
      registry(URI, mutability, exclusions),
    );
    expect(spec.cacheTo).toEqual([
      `type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true`,
    ]);
    expect(spec.cacheFrom).toEqual([`type=registry,ref=${ref}`]);
  });

  it('secret values go to 0600 files; argv only names the file', () => {
    const { spec, dir: jobDir } = buildSpec(
      job(
        inputs({
          secrets: [{ key: 'npm', value: 'npm_TOPSECRETVALUE' }],
          secretFiles: [{ key: 'gh', value: 'secrets/gh.txt' }],
        }),
      ),
      plan(['v1'], ['v1']),
      registry(URI, 'MUTABLE'),
    );
    const args = buildxArgs(spec);
    expect(args.join(' ')).not.toContain('npm_TOPSECRETVALUE');
    const path = join(jobDir.secrets, 'npm');
    expect(args).toContain(`id=npm,src=${path}`);
    expect(args).toContain('id=gh,src=secrets/gh.txt');
    expect(readFileSync(path, 'utf8')).toBe('npm_TOPSECRETVALUE');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('buildx tags only the primary registry with the planned push tags; the fingerprint label is added', () => {
    const { spec } = buildSpec(job(inputs()), plan(['v1.2.3'], ['abc', 'v1.2.3']), registry(URI, 'MUTABLE'));
    expect(spec.tags).toEqual([`${URI}:v1.2.3`]);
    expect(spec.labels).toEqual({ 'org.opencontainers.image.version': '1.2.3', [FINGERPRINT_LABEL]: 'fp-1' });
    expect(spec.builder).toBeUndefined();
  });

  it('push-by-digest: no tags, the image exporter pushes by digest to the repository', () => {
    const { spec } = buildSpec(
      job(inputs({ pushByDigest: true, platforms: ['linux/arm64'] })),
      plan(['v1'], ['v1']),
      registry(URI, 'MUTABLE'),
    );
    expect(spec.tags).toEqual([]);
    const args = buildxArgs(spec);
    expect(args).toContain(`type=image,name=${URI},push-by-digest=true,name-canonical=true,push=true`);
    expect(args).not.toContain('--push');
  });

  // build inputs → what the build asks of a builder (chosen when it runs, after detection)
  const needs: [string, Partial<BuildInputs>, Partial<PreparedBuild['needs']>][] = [
    ['plain build', {}, { cacheExport: false, attestations: false }],
    [
      'two platforms',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      { platforms: ['linux/amd64', 'linux/arm64'] },
    ],
    ['registry cache', { cache: 'registry' }, { cacheExport: true }],
    ['inline cache', { cache: 'inline' }, { cacheExport: false }],
    ['provenance', { provenance: 'mode=max' }, { attestations: true }],
    ['sbom', { sbom: 'true' }, { attestations: true }],
    ['attests', { attests: ['type=sbom'] }, { attestations: true }],
    ['push by digest', { pushByDigest: true }, { pushByDigest: true }],
  ];
  it.each(needs)('%s → needs %j', (_name, overrides, expected) => {
    const build = buildSpec(job(inputs(overrides)), plan(['v1'], ['v1']), registry(URI, 'MUTABLE'));
    expect(build.needs).toMatchObject(expected);
    expect(build.spec.builder).toBe(overrides.builder);
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
