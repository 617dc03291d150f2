import { describe, expect, it } from 'vitest';
import { InputError, ValidationError } from '../../src/errors.js';
import { readOptional } from '../../src/inputs/parsers.js';
import { parse } from './fixtures.js';

function errorOf(inputs: Record<string, string>): InputError {
  try {
    parse(inputs);
  } catch (err) {
    const problems = (err as ValidationError).problems;
    expect(problems).toHaveLength(1);
    return problems[0] as InputError;
  }
  throw new Error('expected a ValidationError');
}

// Control characters: single-line inputs refuse them all, multi-line inputs a NUL byte.
const REFUSED: [input: string, value: string, shows: string][] = [
  ['target', 'prod\n::warning::injected', 'a newline at character 5'],
  ['builder', 'b\r::add-mask::x', 'a carriage return at character 2'],
  ['context', '.\n::stop-commands::tok', 'a newline at character 2'],
  ['file', 'Dockerfile\u001b[2J', 'an ESC character at character 11'],
  ['repository', 'app\u0000', 'a NUL byte at character 4'],
  ['kms-key', 'alias/k\u2028x', 'a line separator (U+2028)'],
  ['audience', 'sts\tamazonaws.com', 'a tab at character 4'],
  ['role-session-name', 'a\u0007b', 'control character U+0007'],
  ['build-args', 'A=1\nB=x\u0000y', 'a NUL byte at line 2'],
  ['labels', 'a=\u0000', 'a NUL byte at line 1'],
];

describe('control characters', () => {
  it.each(REFUSED)('%s %j', (input, value, shows) => {
    const error = errorOf({ [input]: value });
    expect(error.input).toBe(input);
    expect(error.hint).toContain(shows);
    // The value is shown escaped: it cannot start a line of its own in the log.
    // eslint-disable-next-line no-control-regex
    expect(error.describe()).not.toMatch(/\n::|\r|\u0000|\u001b/);
  });

  it('a NUL in `secrets` names the line, never the value', () => {
    const error = errorOf({ secrets: 'a=ok\nb=canary-\u0000-value' });
    expect(error.describe()).toContain('line 2');
    expect(error.describe()).not.toContain('canary');
  });

  it('multi-line inputs keep their newlines and tabs', () => {
    const inputs = parse({ 'build-args': 'A=1\nB=tab\there', labels: 'x=1\r\ny=2' });
    expect(inputs.build.buildArgs).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: 'tab\there' },
    ]);
    expect(inputs.build.labels).toHaveLength(2);
  });
});

describe('readOptional', () => {
  const fs = {
    exists: (path: string) => path !== 'missing',
    isDirectory: (path: string) => path === 'dir',
    readFile: (path: string) => `text of ${path}`,
  };
  // path → its text, or undefined
  const rows: [string, string | undefined][] = [
    ['file', 'text of file'],
    ['missing', undefined],
    ['dir', undefined],
  ];
  it.each(rows)('%s', (path, text) => {
    expect(readOptional(fs, path)).toBe(text);
  });
});
