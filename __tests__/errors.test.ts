import { describe, expect, it } from 'vitest';
import { ActionError, describeFailure, failureStack, InputError, quoted } from '../src/errors.js';

const systemError = (code: string, syscall: string, path?: string) =>
  Object.assign(new Error(`${code}: ${syscall} ${path ?? ''}`), { code, syscall, path });

describe('quoted', () => {
  it.each<[string, string, string]>([
    ['short value whole', 'abc', '"abc"'],
    ['control characters escaped', 'a\nb\u001b', '"a\\nb\\u001b"'],
    [
      'long value shortened with its length',
      'x'.repeat(100_000),
      `"${'x'.repeat(200)}"... (100000 characters)`,
    ],
  ])('%s', (_, value, expected) => expect(quoted(value)).toBe(expected));

  it('InputError quotes at most a few hundred characters', () => {
    const error = new InputError('target', 'y'.repeat(100_000), 'a stage name');
    expect(error.message.length).toBeLessThan(400);
  });

  it('InputError without a value never shows one', () => {
    expect(new InputError('secrets', undefined, 'id=value').message).toBe(
      "Input 'secrets' is invalid (its value is not shown): expected id=value.",
    );
  });
});

describe('describeFailure', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'an ActionError: message and hint',
      new ActionError('Bad thing.', 'Do this.'),
      /^Bad thing\.\n {2}Hint: Do this\.$/,
    ],
    [
      'a permission error names the operation, the path and the fix',
      systemError('EACCES', 'open', '/home/runner/work/app/Dockerfile'),
      /^Could not open "\/home\/runner\/work\/app\/Dockerfile": EACCES .*Hint: Check the permissions/s,
    ],
    ['a full disk', systemError('ENOSPC', 'write'), /^Could not write: ENOSPC .*The disk is full/s],
    [
      'a file where a directory belongs',
      systemError('ENOTDIR', 'mkdtemp', '/tmp/x/y'),
      /RUNNER_TEMP must be a directory/,
    ],
    [
      'a bug',
      new TypeError('x is undefined'),
      /^Unexpected error \(please report it\): TypeError: x is undefined$/,
    ],
    ['a thrown string', 'boom', /^Unexpected error \(please report it\): boom$/],
  ])('%s', (_, error, expected) => expect(describeFailure(error)).toMatch(expected));

  it('caps a long message at one readable line', () => {
    const text = describeFailure(new ActionError('m'.repeat(10_000)));
    expect(text.length).toBeLessThan(2000);
    expect(text).toMatch(/\.\.\. \(8200 more characters\)$/);
  });

  it('a stack only for a bug', () => {
    expect(failureStack(new TypeError('bug'))).toMatch(/TypeError: bug\n\s+at /);
    expect(failureStack(new ActionError('known'))).toBeUndefined();
    expect(failureStack(systemError('EACCES', 'open', '/x'))).toBeUndefined();
  });
});
