import { describe, expect, it } from 'vitest';
import { winnersImage } from '../../src/steps/publish.js';
import type { StoredImage } from '../../src/types/registry.js';

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
