import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/text/did-you-mean.js';

describe('suggest', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['amd46', 'amd64', 1],
    ['CRITCAL', 'CRITICAL', 1],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('suggests only close candidates, case-insensitively', () => {
    expect(closest('Registy', ['none', 'inline', 'registry'])).toBe('registry');
    expect(closest('s3', ['none', 'inline', 'registry'])).toBeUndefined();
    expect(didYouMean('hihg', ['CRITICAL', 'HIGH'])).toBe('Did you mean "HIGH"?');
    expect(didYouMean('zzz', ['CRITICAL', 'HIGH'])).toBeUndefined();
  });
});
