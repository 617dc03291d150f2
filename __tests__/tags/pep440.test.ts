import { describe, expect, it } from 'vitest';
import { comparePep440, normalizePep440, parsePep440, readPep440 } from '../../src/tags/pep440.js';

describe('PEP 440', () => {
  const NORMALIZED: [string, string][] = [
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['1.2.3a1', '1.2.3a1'],
    ['1.2.3beta2', '1.2.3b2'],
    ['1.0.0-alpha1', '1.0.0a1'],
    ['1.0RC1', '1.0rc1'],
    ['1.0c1', '1.0rc1'],
    ['1.0-preview.2', '1.0rc2'],
    ['1.0dev4', '1.0.dev4'],
    ['1.2.3post1', '1.2.3.post1'],
    ['1.0-1', '1.0.post1'],
    ['1.0.r', '1.0.post0'],
    ['1!2.0', '1!2.0'],
    ['01.002', '1.2'],
    ['1.0+Ubuntu-1', '1.0+ubuntu.1'],
  ];
  it.each(NORMALIZED)('%s normalizes to %s', (raw, expected) => {
    expect(normalizePep440(parsePep440(raw)!)).toBe(expected);
  });

  it.each(['foo', '1.2.3-', '1..2', 'v', '1.0+'])('rejects %j', (raw) => {
    expect(parsePep440(raw)).toBeUndefined();
  });

  it('orders versions as the spec does', () => {
    const ordered = [
      '1.0.dev456',
      '1.0a1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1',
      '1.0',
      '1.0.post456.dev34',
      '1.0.post456',
      '1.0.15',
      '1.1.dev1',
      '1!0.1',
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort((a, b) => comparePep440(parsePep440(a)!, parsePep440(b)!));
    expect(shuffled).toEqual(ordered);
    expect(comparePep440(parsePep440('1.0')!, parsePep440('1.0.0+local')!)).toBe(0);
  });

  it('reads pattern parts and stability', () => {
    expect(readPep440('1.2')).toEqual({
      raw: '1.2',
      version: '1.2',
      major: 1,
      minor: 2,
      patch: 0,
      unstable: false,
    });
    expect(readPep440('1.2.3a1')?.unstable).toBe(true);
    expect(readPep440('1.2.3.post1')?.unstable).toBe(true);
    expect(readPep440('1.2.3+local')?.unstable).toBe(false);
  });
});
