import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  discardLocalCacheExport,
  localCacheKey,
  localCacheRoot,
  readIfPresent,
  rotateLocalCache,
} from '../../src/docker/local-cache.js';

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-lc-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('local cache directory and key', () => {
  it('lives under RUNNER_TOOL_CACHE (the same path on every hosted runner)', () => {
    expect(localCacheRoot({ RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' })).toBe(
      '/opt/hostedtoolcache/ecr-build-push-cache',
    );
    expect(localCacheRoot({ RUNNER_TEMP: '/home/runner/work/_temp' })).toBe(
      '/home/runner/work/_temp/ecr-build-push-cache',
    );
  });

  const key = (dir: string, platforms: string[] = []) =>
    localCacheKey('my-app', dir, undefined, platforms, readIfPresent);

  it('the key names the scope; the restore key is the scope alone (partial hits)', () => {
    const k = key(context({ Dockerfile: 'FROM scratch' }));
    expect(k.key).toMatch(/^ecr-build-push-my-app-[0-9a-f]{32}$/);
    expect(k.restoreKeys).toEqual(['ecr-build-push-my-app-']);
  });

  it.each([
    ['a lock file changes', { 'package-lock.json': '{"v":2}' }, true],
    ['the Dockerfile changes', { Dockerfile: 'FROM scratch\nCOPY . /' }, true],
    ['an unrelated file changes', { 'README.md': 'hello' }, false],
  ])('%s → new key: %s', (_name, change, differs) => {
    const dir = context({ Dockerfile: 'FROM scratch', 'package-lock.json': '{"v":1}' });
    const before = key(dir).key;
    for (const [name, text] of Object.entries(change)) writeFileSync(join(dir, name), text);
    expect(key(dir).key !== before).toBe(differs);
  });

  it('platforms are part of the key', () => {
    const dir = context({ Dockerfile: 'FROM scratch' });
    expect(key(dir, ['linux/amd64']).key).not.toBe(key(dir, ['linux/arm64']).key);
  });

  it('rotation replaces the old cache with the fresh export', () => {
    const root = mkdtempSync(join(tmpdir(), 'ebp-rot-'));
    const dir = join(root, 'cache');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.json'), 'old');
    mkdirSync(`${dir}-new`);
    writeFileSync(join(`${dir}-new`, 'index.json'), 'new');
    rotateLocalCache(dir);
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe('new');
    expect(existsSync(`${dir}-new`)).toBe(false);
    rotateLocalCache(dir); // nothing fresh: the cache stays
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe('new');
  });

  it("before a build, an interrupted run's (maybe partial) export goes and the old cache stays", () => {
    const root = mkdtempSync(join(tmpdir(), 'ebp-rot-'));
    const dir = join(root, 'cache');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.json'), 'old');
    mkdirSync(`${dir}-new`);
    writeFileSync(join(`${dir}-new`, 'index.json'), 'partial');
    discardLocalCacheExport(dir);
    expect(existsSync(`${dir}-new`)).toBe(false);
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe('old');
  });
});
