import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { EXIT, exitCodeFor } from '../../src/cli/exit-code.js';
import {
  AuthError,
  DockerError,
  EcrError,
  InputError,
  ScanGateError,
  TagRuleError,
  ValidationError,
} from '../../src/errors.js';

describe('cli/exit-code', () => {
  // [failure, exit code]
  const rows: [string, unknown, number][] = [
    ['usage', new UsageError('x'), 2],
    ['one bad input', new InputError('push', 'x', 'true or false'), 2],
    ['several bad inputs', new ValidationError([new InputError('a', 'b', 'c')]), 2],
    ['a bad tag rule', new TagRuleError(1, 'type=x', 'unknown type'), 2],
    ['scan gate failed', new ScanGateError('findings', undefined, 'ScanGateFailed'), 3],
    ['scan gate undecided', new ScanGateError('timeout', undefined, 'ScanUndecided'), 3],
    ['immutable conflict before the build', new EcrError('immutable', undefined, 'ImmutableTagConflict'), 4],
    ['another ECR failure', new EcrError('missing', undefined, 'RepositoryNotFound'), 1],
    ['auth', new AuthError('no token'), 1],
    ['docker', new DockerError('build failed'), 1],
    ['a bug', new TypeError('x'), 1],
  ];
  it.each(rows)('%s → %i', (_name, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('signals exit 128 + the signal number', () => {
    expect([EXIT.sigint, EXIT.sigterm]).toEqual([128 + 2, 128 + 15]);
  });
});
