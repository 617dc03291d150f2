import { describe, expect, it } from 'vitest';
import { EcrError } from '../../src/errors.js';
import type { PublishPlan } from '../../src/plan/publish-plan.js';
import { assertNoConflicts, winnersImage } from '../../src/steps/publish.js';
import { HOST } from '../support/job.js';
import type { StoredImage } from '../../src/types/registry.js';

const URI = `${HOST}/app`;
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('assertNoConflicts', () => {
  const plan = (conflicts: PublishPlan['conflicts']): PublishPlan => ({
    mode: 'build',
    push: ['abc'],
    put: [],
    unchanged: [],
    skipped: [],
    conflicts,
    warnings: [],
    reason: '',
  });

  it('no conflicts: passes', () => {
    expect(() => assertNoConflicts(plan([]), URI)).not.toThrow();
  });

  it('conflicts: fails before the build listing each tag and its current digest', () => {
    let thrown: unknown;
    try {
      assertNoConflicts(
        plan([
          { tag: 'v1.2.3', digest: d('b') },
          { tag: 'latest', digest: d('c') },
        ]),
        URI,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EcrError);
    const err = thrown as EcrError;
    expect(err.code).toBe('ImmutableTagConflict');
    expect(err.message).toContain('2 planned tag(s)');
    expect(err.message).toContain(`${URI}:v1.2.3 -> ${d('b')}`);
    expect(err.message).toContain(`${URI}:latest -> ${d('c')}`);
    expect(err.hint).toContain('Nothing was built or pushed');
    expect(err.hint).toContain('on-immutable-conflict: skip');
  });
});

const image = (digest: string): StoredImage => ({
  digest,
  manifest: '{}',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
});
const A = image(`sha256:${'a'.repeat(64)}`);
const B = image(`sha256:${'b'.repeat(64)}`);

describe('steps/publish winnersImage', () => {
  // [case, our tags, what the repository holds, verdict]
  const rows: [string, string[], [string, StoredImage][], StoredImage | 'wait' | undefined][] = [
    [
      'every tag on one image: adopt it',
      ['v1', 'sha-1'],
      [
        ['v1', A],
        ['sha-1', A],
      ],
      A,
    ],
    ['the winner pushed one tag of two so far: wait', ['v1', 'sha-1'], [['v1', A]], 'wait'],
    ['nothing visible yet: wait', ['v1'], [], 'wait'],
    [
      'two images hold our tags: a real conflict',
      ['v1', 'sha-1'],
      [
        ['v1', A],
        ['sha-1', B],
      ],
      undefined,
    ],
    [
      'a conflict is final even with a tag missing',
      ['v1', 'sha-1', 'x'],
      [
        ['v1', A],
        ['sha-1', B],
      ],
      undefined,
    ],
  ];
  it.each(rows)('%s', (_name, tags, held, verdict) => {
    expect(winnersImage(tags, new Map(held))).toBe(verdict);
  });
});
