import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localCacheDir, rotateLocalCache } from '../../src/docker/local-cache.js';

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-lc-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('local cache directory', () => {
  const env = { RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' };

  it('lives under RUNNER_TOOL_CACHE, keyed by Dockerfile and lock files', () => {
    const a = context({ Dockerfile: 'FROM scratch', 'package-lock.json': '{"v":1}' });
    expect(localCacheDir(env, a, undefined)).toMatch(
      /^\/opt\/hostedtoolcache\/ecr-build-push-cache\/[0-9a-f]{16}$/,
    );
  });

  it.each([
    ['a lock file changes', { 'package-lock.json': '{"v":2}' }, true],
    ['the Dockerfile changes', { Dockerfile: 'FROM scratch\nCOPY . /' }, true],
    ['an unrelated file changes', { 'README.md': 'hello' }, false],
  ])('%s → new key: %s', (_name, change, differs) => {
    const before = context({ Dockerfile: 'FROM scratch', 'package-lock.json': '{"v":1}' });
    const key = localCacheDir(env, before, undefined).split('/').pop();
    for (const [name, text] of Object.entries(change)) writeFileSync(join(before, name), text);
    expect(localCacheDir(env, before, undefined).split('/').pop() !== key).toBe(differs);
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
});
