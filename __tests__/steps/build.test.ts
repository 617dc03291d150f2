import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { RepositoryState, TagMutability } from '../../src/types/registry.js';
import { buildxArgs } from '../../src/docker/buildx-args.js';
import { FINGERPRINT_LABEL } from '../../src/types/build.js';
import type { RunPlan } from '../../src/steps/plan.js';
import type { Job } from '../../src/steps/prepare.js';
import {
  buildSecrets,
  isGitHubGitContext,
  prepareBuild,
  readyBuild,
  runBuild,
  type PreparedBuild,
} from '../../src/steps/build.js';
import { newLog } from '../../src/report/log.js';
import { useFakeDocker } from '../support/fake-docker.js';
import { buildEverything } from '../../src/plan/publish-plan.js';
import { githubEnv, HOST, jobOf, openedRegistry } from '../support/job.js';
import { buildInputs, runContext } from '../support/helpers.js';

const URI = `${HOST}/app`;
const docker = useFakeDocker();

// The Actions cache service, as the toolkit would answer: available, an earlier archive, saved.
vi.mock('../../src/docker/actions-cache.js', () => ({
  cacheServiceAvailable: vi.fn(async () => true),
  restoreLocalCache: vi.fn(async () => 'ecr-build-push-app-earlier'),
  saveLocalCache: vi.fn(async () => 'saved'),
}));

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

  it('buildx gets the annotations rendered ({{…}} expanded), never the raw input nor the OCI defaults', () => {
    const { spec, job } = buildSpec({ annotations: 'manifest:org.opencontainers.image.revision={{sha}}' });
    const args = buildxArgs(spec);
    const annotations = args.flatMap((a, i) => (args[i - 1] === '--annotation' ? [a] : []));
    expect(annotations).toEqual([`manifest:org.opencontainers.image.revision=${job.ctx.sha.slice(0, 7)}`]);
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

function secretsFor(build: Parameters<typeof buildInputs>[0]) {
  const job = { inputs: { build: buildInputs(build) }, ctx: runContext() } as unknown as Job;
  return { secrets: buildSecrets(job) };
}

const REMOTE = 'https://github.com/octo/private.git#main';

describe('buildSecrets', () => {
  it.each([
    // [build inputs, secret ids]
    [{}, []],
    [{ secrets: [{ key: 'npm', value: 'n' }] }, ['npm']],
    // github-token: only for a remote git context on the GitHub host, never over the user's own
    [{ githubToken: 'ghs_x' }, []],
    [{ githubToken: 'ghs_x', context: REMOTE }, ['GIT_AUTH_TOKEN']],
    [{ githubToken: 'ghs_x', context: 'https://gitlab.com/o/r.git' }, []],
    [
      { githubToken: 'ghs_x', context: REMOTE, secrets: [{ key: 'GIT_AUTH_TOKEN', value: 'mine' }] },
      ['GIT_AUTH_TOKEN'],
    ],
  ])('%j → %j', (build, ids) => {
    expect(secretsFor(build).secrets.map((s) => s.key)).toEqual(ids);
  });

  it('the user’s GIT_AUTH_TOKEN wins over github-token', () => {
    const { secrets } = secretsFor({
      githubToken: 'ghs_x',
      context: REMOTE,
      secrets: [{ key: 'GIT_AUTH_TOKEN', value: 'mine' }],
    });
    expect(secrets).toEqual([{ key: 'GIT_AUTH_TOKEN', value: 'mine' }]);
  });
});

describe('isGitHubGitContext', () => {
  it.each([
    ['.', 'https://github.com', false],
    [REMOTE, 'https://github.com', true],
    ['https://x-access-token@github.com/o/r.git', 'https://github.com', true],
    ['git@github.com:o/r.git', 'https://github.com', true],
    ['git://github.com/o/r.git', 'https://github.com', true],
    [REMOTE, 'https://ghe.corp.example', false],
    ['https://ghe.corp.example/o/r.git#v1', 'https://ghe.corp.example', true],
    ['https://github.com.evil.example/o/r.git', 'https://github.com', false],
  ])('%s on %s → %s', (context, server, expected) => {
    expect(isGitHubGitContext(context, server)).toBe(expected);
  });
});

describe('readyBuild and runBuild: cache: local through the Actions cache service', () => {
  it('restores the scope before the build (with the builder chosen meanwhile) and saves after it', async () => {
    const { job, runner } = jobOf(
      { cache: 'local', push: 'false', tags: 'type=raw,value=v1' },
      {
        ...githubEnv(),
        ...docker.env(),
      },
    );
    const plan: RunPlan = { tags: job.tags, publish: buildEverything(['v1'], '') };
    const build = prepareBuild(job, plan, openedRegistry(), ['v1'], false, runner);
    const log = newLog();
    const ready = await readyBuild(job, build, runner, log);
    expect(ready.restored).toEqual({ service: true, key: 'ecr-build-push-app-earlier' });
    await runBuild(job, build, ready, runner, log);
    expect(runner.log.filter((l) => l.startsWith('Local build cache'))).toEqual([
      expect.stringMatching(/^Local build cache: restored ecr-build-push-app-earlier \(partial/),
      expect.stringMatching(/^Local build cache: saved ecr-build-push-app-/),
    ]);
    expect(log.timings).toHaveProperty('cache');
  });
});
