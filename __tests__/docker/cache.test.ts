import { describe, expect, it } from 'vitest';
import { cacheScope, planCache, registryCacheTag, type CacheRequest } from '../../src/docker/cache.js';
import type { CacheMode } from '../../src/types/build.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';
const ROOT = '/opt/hostedtoolcache/ecr-build-push-cache';
const ECR_OPTS = 'mode=max,image-manifest=true,oci-mediatypes=true';

function request(overrides: Partial<CacheRequest>): CacheRequest {
  return {
    mode: 'none',
    cacheFrom: [],
    cacheTo: [],
    uri: URI,
    immutable: false,
    repository: 'my-app',
    platforms: [],
    localRoot: ROOT,
    ...overrides,
  };
}

describe('cacheScope: one scope per image', () => {
  it.each([
    ['repository only', { repository: 'my-app', platforms: [] }, 'my-app'],
    ['target', { repository: 'my-app', target: 'runtime', platforms: [] }, 'my-app-runtime'],
    ['one platform', { repository: 'my-app', platforms: ['linux/arm64'] }, 'my-app-linux-arm64'],
    [
      'target and two platforms',
      { repository: 'api', target: 'prod', platforms: ['linux/amd64', 'linux/arm/v7'] },
      'api-prod-linux-amd64_linux-arm-v7',
    ],
    ['monorepo path repository', { repository: 'team/api', platforms: [] }, 'team-api'],
    [
      'override wins',
      { repository: 'my-app', target: 'x', platforms: ['linux/amd64'], override: 'shared' },
      'shared',
    ],
  ])('%s → %s', (_name, req, scope) => {
    expect(cacheScope(req)).toBe(scope);
  });

  it('two images of one matrix never share a scope', () => {
    const a = cacheScope({ repository: 'web', platforms: ['linux/amd64'] });
    const b = cacheScope({ repository: 'worker', platforms: ['linux/amd64'] });
    const c = cacheScope({ repository: 'web', platforms: ['linux/arm64'] });
    expect(new Set([a, b, c]).size).toBe(3);
  });
});

describe('registryCacheTag', () => {
  it.each([
    ['plain: the tag of earlier versions', { repository: 'r', platforms: [] }, 'buildcache'],
    ['target', { repository: 'r', target: 'test', platforms: [] }, 'buildcache-test'],
    ['platform', { repository: 'r', platforms: ['linux/arm64'] }, 'buildcache-linux-arm64'],
    ['override', { repository: 'r', platforms: [], override: 'ci' }, 'buildcache-ci'],
  ])('%s → %s', (_name, req, tag) => {
    expect(registryCacheTag(req)).toBe(tag);
  });

  it('stays a valid ECR tag (<= 128 characters) however many platforms', () => {
    const platforms = [
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/386',
      'linux/ppc64le',
      'linux/s390x',
      'linux/riscv64',
    ];
    const tag = registryCacheTag({ repository: 'r', target: 'a-rather-long-stage-name', platforms });
    expect(tag.length).toBeLessThanOrEqual(128);
    expect(tag).toMatch(/^[\w][\w.-]*$/);
    expect(tag).not.toBe(
      registryCacheTag({
        repository: 'r',
        target: 'a-rather-long-stage-name',
        platforms: platforms.slice(1),
      }),
    );
  });
});

type Row = {
  name: string;
  mode: CacheMode;
  extra?: Partial<CacheRequest>;
  from: string[];
  to: string[];
  exports: boolean;
  localDir?: string;
};

const rows: Row[] = [
  { name: 'none', mode: 'none', from: [], to: [], exports: false },
  { name: 'inline, no moving tag', mode: 'inline', from: [], to: ['type=inline'], exports: false },
  {
    name: 'inline reads the last image of latest',
    mode: 'inline',
    extra: { inlineFromTag: 'latest' },
    from: [`type=registry,ref=${URI}:latest`],
    to: ['type=inline'],
    exports: false,
  },
  {
    name: 'registry, mutable',
    mode: 'registry',
    from: [`type=registry,ref=${URI}:buildcache`],
    to: [`type=registry,ref=${URI}:buildcache,${ECR_OPTS}`],
    exports: true,
  },
  {
    name: 'registry, immutable: REPO-cache',
    mode: 'registry',
    extra: { immutable: true },
    from: [`type=registry,ref=${URI}-cache:buildcache`],
    to: [`type=registry,ref=${URI}-cache:buildcache,${ECR_OPTS}`],
    exports: true,
  },
  {
    name: 'registry, target and platform get their own tag',
    mode: 'registry',
    extra: { target: 'prod', platforms: ['linux/arm64'] },
    from: [`type=registry,ref=${URI}:buildcache-prod-linux-arm64`],
    to: [`type=registry,ref=${URI}:buildcache-prod-linux-arm64,${ECR_OPTS}`],
    exports: true,
  },
  {
    name: 'gha: scoped by repository',
    mode: 'gha',
    from: ['type=gha,scope=my-app'],
    to: ['type=gha,scope=my-app,mode=max'],
    exports: true,
  },
  {
    name: 'gha: scoped by repository, target, platforms',
    mode: 'gha',
    extra: { target: 'prod', platforms: ['linux/amd64', 'linux/arm64'] },
    from: ['type=gha,scope=my-app-prod-linux-amd64_linux-arm64'],
    to: ['type=gha,scope=my-app-prod-linux-amd64_linux-arm64,mode=max'],
    exports: true,
  },
  {
    name: 'gha: cache-scope overrides',
    mode: 'gha',
    extra: { override: 'shared', platforms: ['linux/amd64'] },
    from: ['type=gha,scope=shared'],
    to: ['type=gha,scope=shared,mode=max'],
    exports: true,
  },
  {
    name: 'gha, immutable changes nothing',
    mode: 'gha',
    extra: { immutable: true },
    from: ['type=gha,scope=my-app'],
    to: ['type=gha,scope=my-app,mode=max'],
    exports: true,
  },
  {
    name: 'local: one directory per scope, exported next to it',
    mode: 'local',
    extra: { target: 'prod' },
    from: [`type=local,src=${ROOT}/my-app-prod`],
    to: [`type=local,dest=${ROOT}/my-app-prod-new,mode=max`],
    exports: true,
    localDir: `${ROOT}/my-app-prod`,
  },
  {
    name: 'user cache-from/cache-to come first and are kept',
    mode: 'registry',
    extra: { cacheFrom: ['type=registry,ref=other:cache'], cacheTo: ['type=local,dest=/x'] },
    from: ['type=registry,ref=other:cache', `type=registry,ref=${URI}:buildcache`],
    to: ['type=local,dest=/x', `type=registry,ref=${URI}:buildcache,${ECR_OPTS}`],
    exports: true,
  },
  {
    name: 'none plus a user cache-to that exports',
    mode: 'none',
    extra: { cacheTo: ['type=registry,ref=x:c'] },
    from: [],
    to: ['type=registry,ref=x:c'],
    exports: true,
  },
  {
    name: 'none plus a user inline cache-to: nothing exported',
    mode: 'none',
    extra: { cacheTo: ['type=inline'] },
    from: [],
    to: ['type=inline'],
    exports: false,
  },
];

describe('planCache: mode × repository × scope', () => {
  it.each(rows)('$name', (row) => {
    const plan = planCache(request({ mode: row.mode, ...row.extra }));
    expect(plan.cacheFrom).toEqual(row.from);
    expect(plan.cacheTo).toEqual(row.to);
    expect(plan.exports).toBe(row.exports);
    expect(plan.localDir).toBe(row.localDir);
  });

  it('registry on an IMMUTABLE repository: the cache lives in the mutable REPO-cache repository', () => {
    expect(planCache(request({ mode: 'registry', immutable: true })).cacheFrom).toEqual([
      `type=registry,ref=${URI}-cache:buildcache`,
    ]);
  });
});
