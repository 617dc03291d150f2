/**
 * The stack's two Docker engines, checked on the running stack (root, under the e2e lock): both log
 * in to every registry host through their own daemon, and the containerd engine does what the
 * e2e cases of issue 12 rely on — multi-platform `FROM scratch` builds pushed with registry cache
 * in image-manifest/OCI layout, and a second build importing that cache.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../../e2e/contexts.js';
import { createRepository, dockerAsUser, HOST, registryPassword, uniqueRepo } from '../../../e2e/support.js';
import { ENGINES, type EngineName, dockerHost, engineByName, loginThroughEngine } from '../engines.js';
import { readStackState } from '../env.js';
import { MEDIA_TYPES, RegistryClient } from '../registry-client.js';
import { ACCOUNTS, REGISTRY_USER } from '../topology.js';
import { useStack } from './use-stack.js';

useStack();

const ACCOUNT = ACCOUNTS[0]!;
let registry: RegistryClient;

beforeAll(() => {
  registry = new RegistryClient(ACCOUNT.backendPort, registryPassword());
});

function info(engine: EngineName): { ServerVersion: string; DriverStatus: [string, string][] } {
  const r = spawnSync('docker', ['info', '--format', '{{json .}}'], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: dockerHost(engineByName(engine)) },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { ServerVersion: string; DriverStatus: [string, string][] };
}

async function manifestJson(repo: string, reference: string): Promise<Record<string, unknown>> {
  const manifest = await registry.getManifest(repo, reference);
  expect(manifest, `${repo}:${reference} is in the registry`).toBeDefined();
  return JSON.parse(manifest!.body.toString('utf8')) as Record<string, unknown>;
}

describe('engines', () => {
  it.each(ENGINES.map((e) => [e.name, e] as const))(
    '%s: logs in to every registry host through its own daemon',
    async (_, engine) => {
      const state = readStackState()!;
      const results = await Promise.all(
        state.registryHosts.map(async (host) => ({
          host,
          ...(await loginThroughEngine(engine, host, REGISTRY_USER, state.registryPassword)),
        })),
      );
      expect(results.filter((r) => !r.ok)).toEqual([]);
      // A wrong password is refused: the probe really authenticates.
      expect((await loginThroughEngine(engine, HOST, REGISTRY_USER, 'wrong')).ok).toBe(false);
    },
  );

  it('the classic engine is Docker 20.10 with the classic image store', () => {
    const classic = info('classic');
    expect(classic.ServerVersion).toMatch(/^20\.10\./);
    expect(classic.DriverStatus.flat()).not.toContain('io.containerd.snapshotter.v1');
  });

  it('the containerd engine is Docker 26.1 with the containerd image store', () => {
    const containerd = info('containerd');
    expect(containerd.ServerVersion).toMatch(/^26\.1\./);
    expect(containerd.DriverStatus).toContainEqual(['driver-type', 'io.containerd.snapshotter.v1']);
  });

  it('containerd engine: two platforms pushed with registry cache, then a second build imports it', async () => {
    const repo = uniqueRepo('engine2');
    await createRepository(repo);
    const context = makeContext();
    const cacheRef = `${HOST}/${repo}:buildcache`;
    const build = (tag: string) =>
      dockerAsUser(
        [
          'buildx',
          'build',
          '--progress=plain',
          '--platform=linux/amd64,linux/arm64',
          '--push',
          `--tag=${HOST}/${repo}:${tag}`,
          `--cache-to=type=registry,ref=${cacheRef},mode=max,image-manifest=true,oci-mediatypes=true`,
          `--cache-from=type=registry,ref=${cacheRef}`,
          context,
        ],
        'containerd',
      );

    const first = build('one');
    expect(first.code, first.out).toBe(0);
    const index = (await manifestJson(repo, 'one')) as {
      mediaType: string;
      manifests: { platform: { os: string; architecture: string } }[];
    };
    expect(index.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(
      expect.arrayContaining(['linux/amd64', 'linux/arm64']),
    );
    const cache = (await manifestJson(repo, 'buildcache')) as {
      mediaType: string;
      config: { mediaType: string };
    };
    expect(cache.mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(cache.config.mediaType).toBe('application/vnd.buildkit.cacheconfig.v0');

    // Without its local build cache, the engine can only find the busybox layer in the registry cache.
    const prune = dockerAsUser(['builder', 'prune', '--all', '--force'], 'containerd');
    expect(prune.code, prune.out).toBe(0);
    writeFileSync(join(context, 'marker'), 'changed');
    const second = build('two');
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/importing cache manifest from .*buildcache/);
    expect(second.out).toMatch(/COPY busybox \/bin\/busybox\n#\d+ CACHED/);
  });
});
