import { describe, expect, it } from 'vitest';
import { sanitizeTag } from '../../src/tags/sanitize.js';

describe('sanitizeTag', () => {
  const CASES: [string, string, number][] = [
    ['1.2.3', '1.2.3', 0],
    ['Feature_X', 'Feature_X', 0],
    ['feature/foo', 'feature-foo', 1],
    ['a//b  c', 'a-b-c', 1],
    ['.hidden', 'hidden', 1],
    ['--x', 'x', 1],
    ['/lead', 'lead', 2],
    ['ünï', 'n-', 2],
  ];
  it.each(CASES)('%j → %j', (value, tag, changes) => {
    const result = sanitizeTag(value);
    expect(result.tag).toBe(tag);
    expect(result.changes).toHaveLength(changes);
  });

  it('shortens to 128 with a hash that keeps distinct values distinct', () => {
    const a = sanitizeTag(`${'a'.repeat(200)}1`);
    const b = sanitizeTag(`${'a'.repeat(200)}2`);
    expect(a.tag).toHaveLength(128);
    expect(a.tag).toMatch(/^a{119}-[0-9a-f]{8}$/);
    expect(a.tag).not.toBe(b.tag);
    expect(a.changes).toEqual(['shortened to 128 characters with a hash suffix']);
    expect(sanitizeTag('a'.repeat(128)).tag).toBe('a'.repeat(128));
  });
});
