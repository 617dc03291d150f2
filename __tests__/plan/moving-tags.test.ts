import { describe, expect, it } from 'vitest';
import { movingTagFixes } from '../../src/plan/moving-tags.js';

const D = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

// Six releases v1.0.0 … v1.5.0 raced; 1.2.0 pushed last and holds the moving tags.
const RACED = new Map([
  ['1.0.0', D(0)],
  ['1.1.0', D(1)],
  ['1.2.0', D(2)],
  ['1.3.0', D(3)],
  ['1.4.0', D(4)],
  ['1.5.0', D(5)],
  ['1.6.0-rc.1', D(6)],
  ['2.0.0', D(7)],
  ['latest', D(2)],
  ['1', D(2)],
  ['1.2', D(2)],
  ['1.5', D(5)],
]);

describe('movingTagFixes', () => {
  it.each<[string, { tags: string[]; version?: string }, Map<string, string>, [string, string][]]>([
    [
      '1.2.0 finished last: latest and 1 go to the highest releases of their families, 1.2 stays',
      { tags: ['1.2.0', '1.2', '1', 'latest'], version: '1.2.0' },
      RACED,
      [
        ['latest', '2.0.0'],
        ['1', '1.5.0'],
      ],
    ],
    [
      '1.5.0 finishing last: its minor is right already',
      { tags: ['1.5.0', '1.5'], version: '1.5.0' },
      RACED,
      [],
    ],
    [
      'pre-releases never hold a moving tag',
      { tags: ['1.6.0', '1.6', '1'], version: '1.6.0' },
      new Map([
        ['1.6.0', D(1)],
        ['1.7.0-rc.1', D(2)],
        ['1', D(2)],
        ['1.6', D(1)],
      ]),
      [['1', '1.6.0']],
    ],
    [
      'a v prefix: only v-tags are releases',
      { tags: ['v1.2.0', 'v1', 'latest'], version: '1.2.0' },
      new Map([
        ['v1.2.0', D(2)],
        ['v1.3.0', D(3)],
        ['9.9.9', D(9)],
        ['v1', D(2)],
        ['latest', D(2)],
      ]),
      [
        ['latest', 'v1.3.0'],
        ['v1', 'v1.3.0'],
      ],
    ],
    ['no version (a branch build): nothing', { tags: ['main', 'latest'] }, RACED, []],
    ['a pre-release run: nothing', { tags: ['1.6.0-rc.1'], version: '1.6.0-rc.1' }, RACED, []],
    [
      'idempotent: once fixed, nothing more',
      { tags: ['1.2.0', '1', 'latest'], version: '1.2.0' },
      new Map([...RACED, ['latest', D(7)], ['1', D(5)]]),
      [],
    ],
  ])('%s', (_, ours, repository, expected) => {
    const fixes = movingTagFixes(ours, repository);
    expect(fixes.map((f) => [f.tag, f.release])).toEqual(expected);
    for (const fix of fixes) expect(fix.digest).toBe(repository.get(fix.release));
  });
});
