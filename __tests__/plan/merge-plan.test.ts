import { describe, expect, it } from 'vitest';
import type { RepositoryState, StoredImage, TagMutability } from '../../src/types/registry.js';
import { planMerge } from '../../src/plan/merge-plan.js';

const INDEX: StoredImage = {
  digest: `sha256:${'1'.repeat(64)}`,
  manifest: '{}',
  mediaType: 'application/vnd.oci.image.index.v1+json',
};
const OTHER: StoredImage = { ...INDEX, digest: `sha256:${'2'.repeat(64)}` };
const repo = (tagMutability: TagMutability, mutabilityExclusions: string[] = []): RepositoryState => ({
  tagMutability,
  mutabilityExclusions,
  scanOnPush: false,
});

type Row = {
  name: string;
  existing: Record<string, StoredImage>;
  mutability: TagMutability;
  exclusions?: string[];
  skip?: boolean;
  mode: string;
  put: string[];
  unchanged?: string[];
  skipped?: string[];
  conflicts?: string[];
};

const rows: Row[] = [
  { name: 'new tags: all put', existing: {}, mutability: 'MUTABLE', mode: 'merge', put: ['sha', 'latest'] },
  {
    name: 'mutable tags on another image move',
    existing: { latest: OTHER },
    mutability: 'MUTABLE',
    mode: 'merge',
    put: ['sha', 'latest'],
  },
  {
    name: 'identical re-run on IMMUTABLE: no-op',
    existing: { sha: INDEX, latest: INDEX },
    mutability: 'IMMUTABLE',
    mode: 'reuse',
    put: [],
    unchanged: ['sha', 'latest'],
  },
  {
    name: 'IMMUTABLE tag on another image: conflict',
    existing: { sha: OTHER },
    mutability: 'IMMUTABLE',
    mode: 'merge',
    put: ['latest'],
    conflicts: ['sha'],
  },
  {
    name: 'IMMUTABLE tag on another image, skip',
    existing: { sha: OTHER },
    mutability: 'IMMUTABLE',
    skip: true,
    mode: 'merge',
    put: ['latest'],
    skipped: ['sha'],
  },
  {
    name: 'IMMUTABLE_WITH_EXCLUSION: latest may move',
    existing: { sha: INDEX, latest: OTHER },
    mutability: 'IMMUTABLE_WITH_EXCLUSION',
    exclusions: ['latest'],
    mode: 'merge',
    put: ['latest'],
    unchanged: ['sha'],
  },
];

describe('planMerge: tag exists × same index × mutability', () => {
  it.each(rows)('$name', (row) => {
    const plan = planMerge(
      ['sha', 'latest'],
      INDEX,
      new Map(Object.entries(row.existing)),
      repo(row.mutability, row.exclusions),
      row.skip ? 'skip' : 'fail',
    );
    expect(plan.mode).toBe(row.mode);
    expect(plan.put).toEqual(row.put);
    expect(plan.push).toEqual([]);
    expect(plan.unchanged).toEqual(row.unchanged ?? []);
    expect(plan.skipped.map((s) => s.tag)).toEqual(row.skipped ?? []);
    expect(plan.conflicts.map((c) => c.tag)).toEqual(row.conflicts ?? []);
    expect(plan.image).toBe(INDEX);
  });
});
