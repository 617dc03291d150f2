import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../src/cli/args.js';
import { errorInfo, interruptedInfo, OUTPUT_TYPES, typedOutputs } from '../../src/cli/outputs.js';
import { ActionError, EcrError, InputError, ValidationError } from '../../src/errors.js';
import { renderOutputs } from '../../src/report/outputs.js';
import { newLog } from '../../src/report/log.js';
import { buildReport } from '../../src/report/run-report.js';

const action = parseYaml(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  outputs: Record<string, unknown>;
};

describe('cli/outputs', () => {
  it('has a type for every action.yml output, and no other', () => {
    expect(Object.keys(OUTPUT_TYPES).sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('types what the action renders', () => {
    const report = {
      ...buildReport({ log: newLog(), dryRun: false, platforms: [], targets: [] }),
      plan: { mode: 'build' },
      repositoryUri: 'h/r',
      digest: 'sha256:abc',
      tagNames: ['v1', 'latest'],
      labels: { a: 'b=c' },
      platformDigests: { 'linux/amd64': 'sha256:def' },
      pushed: true,
      targets: [{ uri: 'h/r', pushed: true, tags: ['v1'] }],
      scan: { digests: ['sha256:a'], status: 'COMPLETE', counts: { HIGH: 1 }, verdict: 'passed' as const },
      metadata: '{"containerimage.digest":"sha256:abc"}',
    };
    const typed = typedOutputs(renderOutputs(report));
    expect(typed).toMatchObject({
      digest: 'sha256:abc',
      image: 'h/r@sha256:abc',
      tags: ['h/r:v1', 'h/r:latest'],
      'tag-names': ['v1', 'latest'],
      labels: { a: 'b=c' },
      annotations: {},
      'platform-digests': { 'linux/amd64': 'sha256:def' },
      pushed: true,
      reused: false,
      targets: [{ uri: 'h/r', pushed: true, tags: ['v1'] }],
      'scan-findings': { HIGH: 1 },
      metadata: { 'containerimage.digest': 'sha256:abc' },
      plan: { mode: 'build' },
    });
  });

  it('missing outputs are empty values of their type', () => {
    expect(typedOutputs({})).toMatchObject({ digest: '', tags: [], labels: {}, pushed: false, plan: null });
  });

  // [error, the error object]
  const rows: [string, unknown, { message: RegExp; hint: string | null; code: string }][] = [
    [
      'ActionError with hint',
      new EcrError('Repository missing.', 'Create it.', 'RepositoryNotFound'),
      { message: /^Repository missing\.$/, hint: 'Create it.', code: 'RepositoryNotFound' },
    ],
    [
      'InputError',
      new InputError('push', 'maybe', 'true or false'),
      { message: /Input 'push' is invalid/, hint: null, code: 'InputError' },
    ],
    [
      'ValidationError',
      new ValidationError([new InputError('a', 'b', 'c'), new InputError('d', 'e', 'f')]),
      { message: /2 inputs are invalid/, hint: null, code: 'ValidationError' },
    ],
    [
      'UsageError',
      new UsageError('Unknown flag --x.', 'Did you mean --y?'),
      { message: /Unknown flag/, hint: 'Did you mean --y?', code: 'UsageError' },
    ],
    ['ActionError default code', new ActionError('x'), { message: /^x$/, hint: null, code: 'ActionError' }],
    [
      'a bug',
      new TypeError('boom'),
      { message: /^Unexpected error \(please report it\): TypeError: boom$/, hint: null, code: 'Unexpected' },
    ],
    [
      "a system error (the environment, not a bug): the action's description",
      Object.assign(new Error("EACCES: permission denied, open '/runner/_temp/x'"), {
        code: 'EACCES',
        syscall: 'open',
        path: '/runner/_temp/x',
      }),
      {
        message: /^Could not open "\/runner\/_temp\/x": EACCES \(EACCES: permission denied/,
        hint: 'Check the permissions: on a self-hosted runner, an earlier job running as root (a container job) may have left files the runner user cannot read or write.',
        code: 'SystemError',
      },
    ],
    ['a thrown string', 'oops', { message: /oops/, hint: null, code: 'Unexpected' }],
  ];
  it.each(rows)('errorInfo: %s', (_name, error, expected) => {
    const info = errorInfo(error);
    expect(info.message).toMatch(expected.message);
    expect(info.hint).toBe(expected.hint);
    expect(info.code).toBe(expected.code);
  });

  it('interruptedInfo names the signal', () => {
    expect(interruptedInfo('SIGTERM')).toMatchObject({
      code: 'Interrupted',
      message: expect.stringContaining('SIGTERM'),
    });
  });
});
