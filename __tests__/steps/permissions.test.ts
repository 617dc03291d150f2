import { describe, expect, it } from 'vitest';
import { EcrError } from '../../src/errors.js';
import { ecrAccessDenied } from '../support/helpers.js';
import { newLog } from '../../src/report/log.js';
import { ifPermitted, noteIfDenied } from '../../src/steps/permissions.js';

describe('calls outside the push/pull policy', () => {
  // name, what the call does, what ifPermitted resolves to (or the error it rethrows), what is noted
  it.each<[string, () => Promise<unknown>, unknown, { operation: string; skipped: string }[]]>([
    ['an allowed call: its value', () => Promise.resolve(42), 42, []],
    [
      'a refused call: undefined, noted with the operation ECR refused',
      () => Promise.reject(ecrAccessDenied('ListImages')),
      undefined,
      [{ operation: 'ListImages', skipped: 'X was skipped' }],
    ],
    [
      'another ECR error propagates',
      () => Promise.reject(new EcrError('Repository x does not exist', undefined, 'RepositoryNotFound')),
      'Repository x does not exist',
      [],
    ],
    ['a network error propagates', () => Promise.reject(new Error('socket hang up')), 'socket hang up', []],
  ])('%s', async (_name, call, expected, noted) => {
    const log = newLog();
    const outcome = await ifPermitted(log, 'X was skipped', call).then(
      (value) => value,
      (error: Error) => error.message,
    );
    expect(outcome).toEqual(expected);
    expect(log.denied).toEqual(noted);
  });

  it('noteIfDenied names the operation of a step that makes several calls', () => {
    const log = newLog();
    expect(noteIfDenied(log, ecrAccessDenied('PutLifecyclePolicy'), 'the policy was left as it is')).toBe(
      true,
    );
    expect(noteIfDenied(log, new Error('other'), 'x')).toBe(false);
    expect(log.denied).toEqual([
      { operation: 'PutLifecyclePolicy', skipped: 'the policy was left as it is' },
    ]);
  });
});
