import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { enableCompileCache, type EnableCompileCache } from '../../src/runtime/compile-cache.js';

const uid = process.getuid!();
const name = `ecr-build-push-compile-cache-${uid}`;

interface Case {
  name: string;
  /** Prepares the base directory (what a previous run or another user left there). */
  before?: (base: string) => void;
  /** What Node's enableCompileCache does; absent: Node 20, where it does not exist. */
  enable?: EnableCompileCache;
  enabled: boolean;
}

const cases: Case[] = [
  { name: 'Node 20: no compile cache, nothing created', enabled: false },
  { name: 'Node 22+: a new private directory', enable: () => ({ status: 1 }), enabled: true },
  {
    name: 'a private directory from an earlier run',
    before: (base) => mkdirSync(join(base, name), { mode: 0o700 }),
    enable: () => ({ status: 1 }),
    enabled: true,
  },
  {
    name: 'already enabled in this process',
    enable: () => ({ status: 2 }),
    enabled: true,
  },
  {
    name: 'a directory others may write to: not used',
    before: (base) => {
      mkdirSync(join(base, name));
      chmodSync(join(base, name), 0o777);
    },
    enable: () => ({ status: 1 }),
    enabled: false,
  },
  {
    name: 'a symlink planted under the name: not followed',
    before: (base) => {
      const elsewhere = mkdtempSync(join(tmpdir(), 'cc-elsewhere-'));
      chmodSync(elsewhere, 0o700);
      symlinkSync(elsewhere, join(base, name));
    },
    enable: () => ({ status: 1 }),
    enabled: false,
  },
  { name: 'Node reports a failure', enable: () => ({ status: 0 }), enabled: false },
  { name: 'NODE_DISABLE_COMPILE_CACHE set', enable: () => ({ status: 3 }), enabled: false },
  {
    name: 'Node throws: the step goes on without a cache',
    enable: () => {
      throw new Error('EACCES');
    },
    enabled: false,
  },
];

describe('enableCompileCache', () => {
  it.each(cases)('$name', ({ before, enable, enabled }) => {
    const base = mkdtempSync(join(tmpdir(), 'cc-base-'));
    before?.(base);
    const spy = enable && vi.fn(enable);
    const result = enableCompileCache(base, spy ?? null);
    expect(result).toBe(enabled ? join(base, name) : undefined);
    if (!enable) expect(existsSync(join(base, name))).toBe(false);
    if (enabled) expect(spy).toHaveBeenCalledWith(join(base, name));
    if (before && !enabled) expect(spy).not.toHaveBeenCalled();
  });
});
