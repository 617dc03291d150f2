/**
 * The containerd engine (Docker 26.1, containerd image store): the `docker` driver does
 * multi-platform builds, cache export and attestations itself, so the action uses it and
 * creates no builder. Through dist/ as the runner runs it.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerHost, engineByName } from '../test/stack/engines.js';
import { allOutput, runAction, type ActionRun } from './harness.js';
import { makeContext } from './contexts.js';
import {
  ACCOUNT,
  baseInputs,
  dockerAsUser,
  registryDigest,
  registryPassword,
  stackEnvOn,
  uniqueRepo,
} from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const TWO = 'linux/amd64,linux/arm64';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
// The docker driver pushes Docker media types unless asked for OCI ones.
const INDEXES = [OCI_INDEX, 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFESTS = [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json'];

/** BuildKit's plain progress says a step came from cache: `#7 [3/4] COPY data0/ /data0/`, later `#7 CACHED`. */
function dataLayerCached(out: string): boolean {
  const step = /^#(\d+) \[\d\/\d\] COPY data0\//m.exec(out)?.[1];
  return step !== undefined && new RegExp(`^#${step} CACHED$`, 'm').test(out);
}

const containerd = { ...process.env, DOCKER_HOST: dockerHost(engineByName('containerd')) };
const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', env: containerd });

interface Entry {
  digest: string;
  mediaType: string;
  platform: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

/** A manifest or blob straight from the registry backend: its content type and JSON. */
async function fetchJson<T>(repo: string, path: string): Promise<{ mediaType: string; body: T }> {
  const auth = Buffer.from(`AWS:${registryPassword()}`).toString('base64');
  const res = await fetch(`http://127.0.0.1:${ACCOUNT.backendPort}/v2/${repo}/${path}`, {
    headers: { Authorization: `Basic ${auth}`, Accept: [...INDEXES, ...MANIFESTS].join(', ') },
  });
  expect(res.status, `${repo}/${path}`).toBe(200);
  return { mediaType: res.headers.get('content-type') ?? '', body: (await res.json()) as T };
}

/** The platform the image config behind a manifest digest names. */
async function configPlatform(repo: string, digest: string): Promise<string> {
  const manifest = await fetchJson<{ config: { digest: string } }>(repo, `manifests/${digest}`);
  expect(MANIFESTS).toContain(manifest.mediaType);
  const config = await fetchJson<{ os: string; architecture: string; variant?: string }>(
    repo,
    `blobs/${manifest.body.config.digest}`,
  );
  return [config.body.os, config.body.architecture, config.body.variant].filter(Boolean).join('/');
}

const builderContainers = () =>
  docker(['ps', '-a', '--format', '{{.Names}}'])
    .split('\n')
    .filter((name) => name.startsWith('buildx_buildkit_'));

function run(repo: string, inputs: Record<string, string>, context = makeContext()): Promise<ActionRun> {
  return runAction({ inputs: { ...baseInputs(repo, context), ...inputs }, env: stackEnvOn('containerd') });
}

describe('containerd engine: the docker driver does it all, no builder is created', () => {
  it('platforms: two, no builder: an index of both; each platform digest is a manifest of that platform', async () => {
    const repo = uniqueRepo('cd-mp');
    const r = await run(repo, { platforms: TWO });
    const out = allOutput(r);
    expect(r.main.code, out).toBe(0);
    expect(out).toMatch(
      /Builder: the current builder 'default' \(docker driver, containerd image store[^)]*\) can do what this build needs \(2 platforms\)/,
    );
    expect(r.state.builder).toBeUndefined();
    expect(builderContainers()).toEqual([]);

    const digests = JSON.parse(r.outputs['platform-digests']!) as Record<string, string>;
    expect(Object.keys(digests).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(await registryDigest(repo, SHA)).toBe(r.outputs.digest);
    const index = await fetchJson<{ manifests: Entry[] }>(repo, `manifests/${SHA}`);
    expect(INDEXES).toContain(index.mediaType);
    expect(index.body.manifests.map((m) => m.digest).sort()).toEqual(Object.values(digests).sort());
    for (const [platform, digest] of Object.entries(digests))
      expect(await configPlatform(repo, digest)).toBe(platform);
    expect(r.summary).toContain(
      "| Builder | the current builder 'default' (docker driver, containerd image store",
    );
  });

  it('annotations: the image gets them rendered, and the output lists what it got', async () => {
    const repo = uniqueRepo('cd-annotations');
    const r = await run(repo, {
      annotations: 'manifest:org.opencontainers.image.revision={{sha}}\nmanifest:org.example.note=plain',
    });
    expect(r.main.code, allOutput(r)).toBe(0);
    const manifest = await fetchJson<{ annotations?: Record<string, string> }>(repo, `manifests/${SHA}`);
    expect(manifest.body.annotations).toMatchObject({
      'org.opencontainers.image.revision': SHA.slice(0, 7),
      'org.example.note': 'plain',
    });
    expect(r.outputs.annotations!.split('\n').sort()).toEqual([
      'manifest:org.example.note=plain',
      `manifest:org.opencontainers.image.revision=${SHA.slice(0, 7)}`,
    ]);
  });

  it('cache: registry lands as an OCI image manifest; a later build with a changed file imports it', async () => {
    const repo = uniqueRepo('cd-cache');
    const context = makeContext({ layersMb: [4] });
    const first = await run(repo, { cache: 'registry' }, context);
    expect(first.main.code, allOutput(first)).toBe(0);
    expect(first.state.builder).toBeUndefined();
    const cache = await fetchJson<{ config: { mediaType: string }; layers: unknown[] }>(
      repo,
      'manifests/buildcache',
    );
    expect(cache.mediaType).toBe(OCI_MANIFEST);
    expect(cache.body.config.mediaType).toBe('application/vnd.buildkit.cacheconfig.v0');
    expect(cache.body.layers.length).toBeGreaterThan(0);

    // Nothing left in the engine's build cache: only the registry cache can make the data layer CACHED.
    docker(['buildx', 'prune', '--all', '--force']);
    writeFileSync(join(context, 'marker'), 'changed');
    // Same commit: without reuse-existing: false the action would re-tag the first image.
    const second = await run(repo, { cache: 'registry', 'reuse-existing': 'false' }, context);
    const out = allOutput(second);
    expect(second.main.code, out).toBe(0);
    expect(out).toMatch(/importing cache manifest from [^\n]*:buildcache/);
    expect(dataLayerCached(out), out).toBe(true);
    expect(second.outputs.digest).not.toBe(first.outputs.digest);
  });

  it.each(['mode=min', 'mode=max'])(
    'provenance %s: attestations in the index, platform-digests without unknown/unknown, the scan gate scans only platform images',
    async (provenance) => {
      const repo = uniqueRepo('cd-prov');
      const r = await run(repo, { platforms: TWO, provenance, scan: 'wait' });
      const out = allOutput(r);
      expect(r.main.code, out).toBe(0);
      expect(await registryDigest(repo, SHA)).toBe(r.outputs.digest);
      const index = await fetchJson<{ manifests: Entry[] }>(repo, `manifests/${SHA}`);
      const attestations = index.body.manifests.filter((e) => e.platform.os === 'unknown');
      expect(attestations).toHaveLength(2);
      for (const a of attestations)
        expect(a.annotations?.['vnd.docker.reference.type']).toBe('attestation-manifest');
      const digests = JSON.parse(r.outputs['platform-digests']!) as Record<string, string>;
      expect(Object.keys(digests).sort()).toEqual(['linux/amd64', 'linux/arm64']);
      for (const d of [r.outputs.digest, ...attestations.map((a) => a.digest)])
        expect(Object.values(digests)).not.toContain(d);
      // The gate names what it scanned: the two platform images, never the index (ECR cannot scan one).
      const scanned = /^Scanned: ((?:`sha256:[0-9a-f]{64}`(?:, )?)+)$/m.exec(r.summary)?.[1];
      expect(scanned?.replace(/`/g, '').split(', ').sort()).toEqual(Object.values(digests).sort());
    },
  );

  it('push-by-digest: buildx has no push by digest for the docker driver, so a docker-container builder is needed (offline: its pull fails, naming buildkit-image)', async () => {
    const r = await run(uniqueRepo('cd-pbd'), { platforms: 'linux/arm64', 'push-by-digest': 'true' });
    const out = allOutput(r);
    expect(r.main.code, out).not.toBe(0);
    expect(out).toContain(
      'cannot push by digest (buildx does not implement it for the docker driver): creating a docker-container builder',
    );
    expect(out).toContain('Set `buildkit-image` to a copy the runner can pull');
  });

  it('load: true with two platforms loads the index into the containerd store', async () => {
    const repo = uniqueRepo('cd-load');
    const r = await run(repo, { platforms: TWO, load: 'true' });
    expect(r.main.code, allOutput(r)).toBe(0);
    const ref = `${ACCOUNT.host}/${repo}:${SHA}`;
    const inspected = dockerAsUser(['image', 'inspect', '--format', '{{.Id}}', ref], 'containerd');
    expect(inspected.code, inspected.out).toBe(0);
    expect(inspected.out.trim()).toBe(r.outputs.digest);
  });

  it('cache: local round trip: the second build imports the directory the first exported', async () => {
    const repo = uniqueRepo('cd-local');
    const context = makeContext({ layersMb: [4] });
    const toolCache = join(context, '..', `${repo}-tool-cache`);
    const env = { ...stackEnvOn('containerd'), RUNNER_TOOL_CACHE: toolCache };
    const inputs = { ...baseInputs(repo, context), cache: 'local' };
    const first = await runAction({ inputs, env });
    expect(first.main.code, allOutput(first)).toBe(0);
    docker(['buildx', 'prune', '--all', '--force']);
    writeFileSync(join(context, 'marker'), 'changed');
    const second = await runAction({ inputs: { ...inputs, 'reuse-existing': 'false' }, env });
    const out = allOutput(second);
    expect(second.main.code, out).toBe(0);
    expect(out).toContain(`type=local,src=${toolCache}/ecr-build-push-cache/${repo}`);
    expect(dataLayerCached(out), out).toBe(true);
  });
});

describe('cache scopes: two images in one job keep their own cache', () => {
  it('cache: registry and cache: local, two repositories of one context: each second build hits its own cache', async () => {
    const context = makeContext({ layersMb: [4] });
    const toolCache = join(context, '..', `${uniqueRepo('scopes')}-tool-cache`);
    const env = { ...stackEnvOn('containerd'), RUNNER_TOOL_CACHE: toolCache };
    const images = [uniqueRepo('scope-web'), uniqueRepo('scope-worker')];
    // Every run builds (one commit throughout: reuse would re-tag instead).
    const job = (mode: string) =>
      Promise.all(
        images.map((repo) =>
          runAction({
            inputs: { ...baseInputs(repo, context), cache: mode, 'reuse-existing': 'false' },
            env,
          }),
        ),
      );
    for (const mode of ['registry', 'local']) {
      for (const r of await job(mode)) expect(r.main.code, allOutput(r)).toBe(0);
      docker(['buildx', 'prune', '--all', '--force']);
      writeFileSync(join(context, 'marker'), `changed for ${mode}`);
      const second = await job(mode);
      second.forEach((r, i) => {
        const out = allOutput(r);
        expect(r.main.code, out).toBe(0);
        expect(dataLayerCached(out), out).toBe(true);
        // Each image reads its own scope, never the other's.
        const own = mode === 'registry' ? `${images[i]}:buildcache` : `ecr-build-push-cache/${images[i]}`;
        const other =
          mode === 'registry' ? `${images[1 - i]}:buildcache` : `ecr-build-push-cache/${images[1 - i]}`;
        expect(out).toContain(own);
        expect(out).not.toContain(other);
      });
    }
  });
});
