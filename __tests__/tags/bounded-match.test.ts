import { describe, expect, it } from 'vitest';
import { TagRuleError } from '../../src/errors.js';
import { boundedMatch, MatchTimeoutError } from '../../src/tags/bounded-match.js';
import { planTags } from '../../src/tags/engine.js';
import { pushTag, request } from './events.js';

describe('boundedMatch', () => {
  // The same answers as String.prototype.match: capture groups, or every match for /…/g.
  it.each([
    ['v1.2.3', /v(\d+)\.(\d+)/, ['v1.2', '1', '2']],
    ['p1/v1.0.0', /^v(\d.\d.\d)$/gi, null],
    ['1.0.0-1.2', /\d\.\d/g, ['1.0', '1.2']],
    ['release', /v(x)?/, null],
    ['v', /v(x)?/, ['v', undefined]],
  ] as const)('%s against %s', (value, re, expected) => {
    expect(boundedMatch(value, re)).toEqual(expected === null ? null : [...expected]);
  });

  it('stops a catastrophic pattern at the limit', () => {
    expect(() => boundedMatch(`${'a'.repeat(31)}!`, /(a+)+$/, 50)).toThrow(MatchTimeoutError);
    // The sandbox is still usable afterwards.
    expect(boundedMatch('aaa', /(a+)+$/, 50)).toEqual(['aaa', 'aaa']);
  });
});

describe('a type=match rule that backtracks exponentially', () => {
  it('fails with the rule, the value and how to fix it instead of hanging', () => {
    let error: unknown;
    try {
      planTags(pushTag(`${'a'.repeat(31)}!`), request({ rules: 'type=sha\ntype=match,pattern=(a+)+$' }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TagRuleError);
    expect((error as TagRuleError).message).toMatch(
      /^tags line 2 \("type=match,pattern=\(a\+\)\+\$"\): pattern=\(a\+\)\+\$ matching took longer than 1 s on "a{31}!"/,
    );
  });
});
