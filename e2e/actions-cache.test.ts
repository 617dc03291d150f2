/**
 * `cache: local` on a hosted runner: @actions/cache restores the BuildKit cache directory
 * before the build and saves it after, against the stack's stand-in for the Actions cache
 * service (the toolkit's own REST client runs). Two jobs on two fresh runners: the second
 * restores the first one's archive and its data layer comes from that cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerHost, engineByName } from '../test/stack/engines.js';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, cacheServiceEnv, client, stackEnvOn, uniqueRepo } from './support.js';

const containerd = { ...process.env, DOCKER_HOST: dockerHost(engineByName('containerd')) };

/** BuildKit's plain progress says a step came from cache: `#7 [3/4] COPY data0/ /data0/`, later `#7 CACHED`. */
function dataLayerCached(out: string): boolean {
  const step = /^#(\d+) \[\d\/\d\] COPY data0\//m.exec(out)?.[1];
  return step !== undefined && new RegExp(`^#${step} CACHED$`, 'm').test(out);
}

describe('cache: local with the Actions cache service', () => {
  it('a fresh runner restores the archive the previous job saved, and the build uses it', async () => {
    const repo = uniqueRepo('gha-local');
    const context = makeContext({ layersMb: [4] });
    // RUNNER_TOOL_CACHE is the same path on every hosted runner; each job starts with it empty.
    const toolCache = join(mkdtempSync(join(tmpdir(), 'ebp-tool-cache-')), 'hostedtoolcache');
    const env = { ...stackEnvOn('containerd'), ...cacheServiceEnv(), RUNNER_TOOL_CACHE: toolCache };
    const inputs = { ...baseInputs(repo, context), cache: 'local', 'reuse-existing': 'false' };

    const first = await runAction({ inputs, env });
    const out1 = allOutput(first);
    expect(first.main.code, out1).toBe(0);
    expect(out1).toMatch(/Local build cache: no archive for ecr-build-push-[\w.-]+ yet\./);
    const saved = /Local build cache: saved (ecr-build-push-[\w.-]+)\./.exec(out1)?.[1];
    expect(saved, out1).toMatch(new RegExp(`^ecr-build-push-${repo}-[0-9a-f]{32}$`));
    const entry = (await client.cacheEntries()).find((e) => e.key === saved);
    expect(entry).toMatchObject({ committed: true, downloads: 0 });

    // The next job: another runner (nothing on disk, nothing in the engine's build cache), a changed file.
    rmSync(toolCache, { recursive: true, force: true });
    execFileSync('docker', ['buildx', 'prune', '--all', '--force'], { env: containerd, stdio: 'ignore' });
    writeFileSync(join(context, 'marker'), 'changed');
    const second = await runAction({ inputs, env });
    const out2 = allOutput(second);
    expect(second.main.code, out2).toBe(0);
    expect(out2).toContain(`Local build cache: restored ${saved}.`);
    expect(dataLayerCached(out2), out2).toBe(true);
    expect((await client.cacheEntries()).find((e) => e.key === saved)?.downloads).toBe(1);
    // The exact key was restored: its archive stays, nothing is saved again; the directory was rotated.
    expect(out2).not.toContain('Local build cache: saved');
    expect(existsSync(join(toolCache, 'ecr-build-push-cache', repo, 'index.json'))).toBe(true);
    expect(existsSync(join(toolCache, 'ecr-build-push-cache', `${repo}-new`))).toBe(false);
  });
});
