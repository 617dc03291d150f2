import { describe, expect, it } from 'vitest';
import { chooseBuilder, needsProbe, type BuilderNeeds } from '../../src/docker/builder-choice.js';
import type { BuilderProbe } from '../../src/docker/builder-probe.js';
import { ActionError } from '../../src/errors.js';

const TWO = ['linux/amd64', 'linux/arm64'];

const needs = (overrides: Partial<BuilderNeeds> = {}): BuilderNeeds => ({
  platforms: [],
  cacheExport: false,
  attestations: false,
  load: false,
  push: true,
  pushByDigest: false,
  ...overrides,
});

/** Engines as `docker buildx inspect` + `docker info` describe them. */
const CLASSIC: BuilderProbe = {
  name: 'default',
  driver: 'docker',
  platforms: ['linux/amd64', 'linux/386'],
  buildkitVersion: 'v0.8+unknown',
  containerdStore: false,
};
const CONTAINERD: BuilderProbe = {
  name: 'default',
  driver: 'docker',
  platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/386'],
  buildkitVersion: 'v0.13.2',
  containerdStore: true,
};
const SETUP_BUILDX: BuilderProbe = {
  name: 'builder-1a2b',
  driver: 'docker-container',
  platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
  buildkitVersion: 'v0.17.0',
  containerdStore: false,
};

type Row = {
  name: string;
  needs: Partial<BuilderNeeds>;
  probe?: BuilderProbe;
  named?: string;
  endpoint?: string;
  /** existing: with this --builder (undefined: the current one); create: that driver; error: that code. */
  expect: { existing: string | undefined } | { create: 'docker-container' | 'remote' } | { error: string };
  reason?: RegExp;
};

const rows: Row[] = [
  // Nothing special: no probe at all, the current builder.
  { name: 'plain build, no probe', needs: {}, expect: { existing: undefined }, reason: /current builder/ },
  { name: 'plain build, named builder', needs: {}, named: 'fleet', expect: { existing: 'fleet' } },
  {
    name: 'endpoint: remote builder',
    needs: { platforms: TWO },
    endpoint: 'tcp://bk:1234',
    expect: { create: 'remote' },
  },
  // The docker driver on the containerd store does it all.
  {
    name: 'containerd store: two platforms on the docker driver',
    needs: { platforms: TWO },
    probe: CONTAINERD,
    expect: { existing: undefined },
    reason: /'default' \(docker driver, containerd image store, BuildKit v0\.13\.2\) can do .*2 platforms/,
  },
  {
    name: 'containerd store: registry cache',
    needs: { cacheExport: true },
    probe: CONTAINERD,
    expect: { existing: undefined },
  },
  {
    name: 'containerd store: attestations',
    needs: { attestations: true },
    probe: CONTAINERD,
    expect: { existing: undefined },
  },
  {
    name: 'containerd store: push by digest (buildx: not for the docker driver) → docker-container',
    needs: { pushByDigest: true },
    probe: CONTAINERD,
    expect: { create: 'docker-container' },
    reason: /cannot push by digest \(buildx does not implement it for the docker driver\)/,
  },
  {
    name: 'setup-buildx builder: push by digest',
    needs: { pushByDigest: true },
    probe: SETUP_BUILDX,
    expect: { existing: undefined },
  },
  {
    name: 'containerd store: load two platforms',
    needs: { platforms: TWO, load: true },
    probe: CONTAINERD,
    expect: { existing: undefined },
  },
  {
    name: "containerd store: builder 'default' named, registry cache (refused before detection)",
    needs: { cacheExport: true },
    named: 'default',
    probe: CONTAINERD,
    expect: { existing: 'default' },
  },
  // A builder setup-buildx-action selected: used.
  {
    name: 'setup-buildx builder: two platforms and cache',
    needs: { platforms: TWO, cacheExport: true, attestations: true },
    probe: SETUP_BUILDX,
    expect: { existing: undefined },
    reason: /'builder-1a2b' \(docker-container driver/,
  },
  // The classic store: a docker-container builder, unless the user named the builder.
  {
    name: 'classic store: two platforms → docker-container',
    needs: { platforms: TWO },
    probe: CLASSIC,
    expect: { create: 'docker-container' },
    reason: /classic image store.*cannot build 2 platforms/,
  },
  {
    name: 'classic store: registry cache → docker-container',
    needs: { cacheExport: true },
    probe: CLASSIC,
    expect: { create: 'docker-container' },
    reason: /export a cache/,
  },
  {
    name: 'classic store: provenance → docker-container',
    needs: { attestations: true },
    probe: CLASSIC,
    expect: { create: 'docker-container' },
    reason: /attestations/,
  },
  {
    name: 'classic store: push by digest → docker-container',
    needs: { pushByDigest: true },
    probe: CLASSIC,
    expect: { create: 'docker-container' },
  },
  {
    name: "classic store: builder 'default' named with registry cache → error at run time",
    needs: { cacheExport: true },
    named: 'default',
    probe: CLASSIC,
    expect: { error: 'BuilderUnsupported' },
  },
  {
    name: 'classic store: load of two platforms → error (no builder helps)',
    needs: { platforms: TWO, load: true },
    probe: CLASSIC,
    expect: { error: 'LoadUnsupported' },
  },
  {
    name: 'docker-container on a classic engine: load of two platforms → error',
    needs: { platforms: TWO, load: true },
    probe: SETUP_BUILDX,
    expect: { error: 'LoadUnsupported' },
  },
  {
    name: 'classic store: one platform, load → current',
    needs: { platforms: ['linux/amd64'], load: true },
    probe: CLASSIC,
    expect: { existing: undefined },
  },
];

describe('chooseBuilder: needs × engine × named builder', () => {
  it.each(rows)('$name', (row) => {
    const run = () => chooseBuilder(needs(row.needs), row.named, row.endpoint, row.probe);
    if ('error' in row.expect) {
      expect(run).toThrow(ActionError);
      try {
        run();
      } catch (error) {
        expect((error as ActionError).code).toBe(row.expect.error);
      }
      return;
    }
    const choice = run();
    if ('existing' in row.expect) {
      expect(choice.use).toBe('existing');
      expect(choice.use === 'existing' && choice.name).toBe(row.expect.existing ?? undefined);
    } else {
      expect(choice).toMatchObject({ use: 'create', driver: row.expect.create });
    }
    if (row.reason) expect(choice.reason).toMatch(row.reason);
  });

  it('a named builder that cannot: the error says what is missing and the three ways out', () => {
    try {
      chooseBuilder(needs({ cacheExport: true, platforms: TWO }), 'default', undefined, CLASSIC);
      expect.unreachable();
    } catch (error) {
      const e = error as ActionError;
      expect(e.message).toBe(
        "Builder 'default' (docker driver, classic image store, BuildKit v0.8+unknown) cannot build 2 platforms, export a cache other than inline.",
      );
      expect(e.hint).toMatch(
        /Leave `builder` empty.*buildkit-image.*buildkit-endpoint.*containerd-snapshotter/,
      );
    }
  });

  it.each([
    [
      'containerd store, push and load: buildx is not asked to load what the push stored',
      CONTAINERD,
      true,
      true,
    ],
    ['containerd store, load only', CONTAINERD, false, false],
    [
      'a container builder, push and load: both exporters',
      { ...SETUP_BUILDX, containerdStore: true },
      true,
      false,
    ],
  ])('%s', (_name, probe, push, pushLoads) => {
    const choice = chooseBuilder(needs({ load: true, push, platforms: TWO }), undefined, undefined, probe);
    expect(choice.use === 'existing' && choice.pushLoads).toBe(pushLoads);
  });

  it('platforms the builder does not list: a note about QEMU, not a refusal', () => {
    const choice = chooseBuilder(
      needs({ platforms: ['linux/amd64', 'linux/arm64'] }),
      undefined,
      undefined,
      CONTAINERD,
    );
    expect(choice.use).toBe('existing');
    expect(choice.notes).toEqual([expect.stringMatching(/does not list linux\/arm64: .*QEMU/)]);
    expect(chooseBuilder(needs({ platforms: TWO }), undefined, undefined, SETUP_BUILDX).notes).toEqual([]);
  });
});

describe('needsProbe: only builds that ask for more than any builder does', () => {
  it.each([
    [{}, false],
    [{ platforms: ['linux/arm64'] }, false],
    [{ platforms: TWO }, true],
    [{ cacheExport: true }, true],
    [{ attestations: true }, true],
    [{ load: true, platforms: ['linux/amd64'], push: false }, false],
    [{ load: true, platforms: ['linux/amd64'] }, true],
    [{ pushByDigest: true }, true],
  ])('%j → %s', (overrides, probe) => {
    expect(needsProbe(needs(overrides))).toBe(probe);
  });
});
