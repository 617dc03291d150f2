/**
 * The Actions cache stand-in driven by the real @actions/cache (its REST client, as on GHES or with
 * ACTIONS_CACHE_SERVICE_V2 unset): save in parallel chunks, restore by key and by restore-key
 * prefix, miss on another version, refuse a second reservation and a wrong token.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as cache from '@actions/cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionsCache, cacheEntries, lookUp, startActionsCache } from '../actions-cache.js';
import { requestLog, resetFaultsAndLog } from '../faults.js';

let service: ActionsCache;
let work: string;
const saved: Record<string, string | undefined> = {};
const ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  ACTIONS_CACHE_SERVICE_V2: undefined,
  ACTIONS_RESULTS_URL: undefined,
} as Record<string, string | undefined>;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ebp-cache-test-'));
  service = await startActionsCache({ port: 0, dir: path.join(work, 'service') });
  Object.assign(ENV, { ACTIONS_CACHE_URL: service.url, ACTIONS_RUNTIME_TOKEN: service.token });
  for (const [name, value] of Object.entries(ENV)) {
    saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await service?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A directory holding one random file; returns its path and the file's bytes. */
function makeDir(name: string, bytes: number): { dir: string; content: Buffer } {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const content = randomBytes(bytes);
  fs.writeFileSync(path.join(dir, 'blob'), content);
  return { dir, content };
}

describe('Actions cache stand-in', () => {
  it('round-trips an archive uploaded in parallel chunks, restores by key and by restore-key prefix', async () => {
    resetFaultsAndLog();
    const { dir, content } = makeDir('buildkit-cache', 600 * 1024);
    const id = await cache.saveCache([dir], 'buildx-linux-abc', { uploadChunkSize: 64 * 1024 });
    expect(id).toBeGreaterThan(0);
    const ops = requestLog().filter((e) => e.service === 'cache');
    expect(ops.filter((e) => e.operation === 'reserve').map((e) => e.status)).toEqual([201]);
    // Random bytes do not compress: about ten 64 KiB chunks.
    expect(ops.filter((e) => e.operation === 'upload').length).toBeGreaterThanOrEqual(9);
    expect(ops.filter((e) => e.operation === 'commit').map((e) => e.status)).toEqual([204]);

    fs.rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], 'buildx-linux-abc')).toBe('buildx-linux-abc');
    expect(fs.readFileSync(path.join(dir, 'blob')).equals(content)).toBe(true);

    fs.rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], 'buildx-linux-xyz', ['buildx-linux-'])).toBe('buildx-linux-abc');
    expect(fs.readFileSync(path.join(dir, 'blob')).equals(content)).toBe(true);
    expect(cacheEntries().find((e) => e.key === 'buildx-linux-abc')).toMatchObject({
      committed: true,
      downloads: 2,
    });
  });

  it('misses when nothing matches, or the paths (the version) differ', async () => {
    const { dir } = makeDir('other', 1024);
    expect(await cache.restoreCache([dir], 'nothing-like-it', ['nothing-'])).toBeUndefined();
    expect(await cache.restoreCache([dir], 'buildx-linux-abc')).toBeUndefined();
  });

  it('a key saved once cannot be reserved again: the toolkit warns and saves nothing', async () => {
    const { dir } = makeDir('buildkit-cache', 1024);
    resetFaultsAndLog();
    expect(await cache.saveCache([dir], 'buildx-linux-abc')).toBe(-1);
    expect(requestLog().map((e) => [e.operation, e.status])).toEqual([['reserve', 409]]);
  });

  it('the first key matches only exactly; further keys by prefix, the newest entry first', () => {
    const version = cacheEntries().find((e) => e.key === 'buildx-linux-abc')!.version;
    expect(lookUp(['buildx-linux-'], version)).toBeUndefined();
    expect(lookUp(['miss', 'buildx-'], version)?.key).toBe('buildx-linux-abc');
    expect(lookUp(['miss', 'buildx-'], 'another-version')).toBeUndefined();
  });

  it('refuses a request without the runtime token', async () => {
    const res = await fetch(`${service.url}_apis/artifactcache/cache?keys=a&version=b`);
    expect(res.status).toBe(401);
  });
});
