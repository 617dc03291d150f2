import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const toolkit = vi.hoisted(() => ({
  isFeatureAvailable: vi.fn(() => true),
  restoreCache: vi.fn(async () => undefined as string | undefined),
  saveCache: vi.fn(async () => 1),
}));
vi.mock('@actions/cache', () => toolkit);

const { cacheServiceAvailable, restoreLocalCache, saveLocalCache } =
  await import('../../src/docker/actions-cache.js');

function cacheDir(): { dir: string; key: string; restoreKeys: string[] } {
  const dir = join(mkdtempSync(join(tmpdir(), 'ebp-ac-')), 'my-app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.json'), 'old');
  mkdirSync(`${dir}-new`);
  writeFileSync(join(`${dir}-new`, 'index.json'), 'new');
  return { dir, key: 'ecr-build-push-my-app-abc', restoreKeys: ['ecr-build-push-my-app-'] };
}

beforeEach(() => vi.clearAllMocks());

describe('cacheServiceAvailable', () => {
  it.each([
    ['no runtime token (self-hosted, CLI)', { ACTIONS_CACHE_URL: 'http://c/' }, false],
    ['no service URL', { ACTIONS_RUNTIME_TOKEN: 't' }, false],
    ['REST service (GHES)', { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'http://c/' }, true],
    ['v2 service (github.com)', { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://r/' }, true],
  ])('%s → %s', async (_name, env, available) => {
    expect(await cacheServiceAvailable(env)).toBe(available);
    // Without the service's variables the toolkit is never even loaded.
    expect(toolkit.isFeatureAvailable).toHaveBeenCalledTimes(available ? 1 : 0);
  });
});

describe('restore and save of one directory', () => {
  it('restores by key with the scope as restore key', async () => {
    const cache = cacheDir();
    toolkit.restoreCache.mockResolvedValueOnce('ecr-build-push-my-app-old');
    expect(await restoreLocalCache(cache)).toBe('ecr-build-push-my-app-old');
    expect(toolkit.restoreCache).toHaveBeenCalledWith([cache.dir], cache.key, cache.restoreKeys);
  });

  it.each([
    ['no service: rotated only', false, undefined, 'rotated', 0],
    ['miss: rotated, then saved', true, undefined, 'saved', 1],
    ['partial hit: rotated, then saved under the new key', true, 'ecr-build-push-my-app-old', 'saved', 1],
    ['exact hit: rotated, the archive of that key is kept', true, 'ecr-build-push-my-app-abc', 'kept', 0],
  ])('%s', async (_name, service, restored, outcome, saves) => {
    const cache = cacheDir();
    expect(await saveLocalCache(cache, restored, service)).toBe(outcome);
    expect(readFileSync(join(cache.dir, 'index.json'), 'utf8')).toBe('new');
    expect(existsSync(`${cache.dir}-new`)).toBe(false);
    expect(toolkit.saveCache).toHaveBeenCalledTimes(saves);
    if (saves) expect(toolkit.saveCache).toHaveBeenCalledWith([cache.dir], cache.key);
  });
});
