import { describe, expect, it } from 'vitest';
import { ActionError, InputError, ValidationError } from '../../src/errors.js';
import type { Runner } from '../../src/runner/runner.js';
import { prepareJob } from '../../src/steps/prepare.js';
import { fakeFs } from '../inputs/fixtures.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';

function fakeRunner(inputs: Record<string, string>): Runner & { notices: string[] } {
  const notices: string[] = [];
  const ignore = () => undefined;
  return {
    notices,
    input: (name) => inputs[name] ?? '',
    setOutput: ignore,
    mask: ignore,
    saveState: ignore,
    exportVariable: ignore,
    info: ignore,
    notice: (message) => void notices.push(message),
    warning: ignore,
    debug: ignore,
    summary: async () => undefined,
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'acme/app',
      AWS_REGION: 'eu-west-1',
    },
  };
}

const deps = { now: () => new Date('2026-01-01T00:00:00Z'), fs: fakeFs, treeHash: () => 'a'.repeat(40) };

// A PR check that only builds: the branch rule produces nothing on a pull request.
const BRANCH_ONLY = { tags: 'type=ref,event=branch' };

describe('prepareJob: rules that produce no tag', () => {
  it('push: false builds untagged, with a notice that says why (as the chain does for PR checks)', () => {
    const runner = fakeRunner({ ...BRANCH_ONLY, push: 'false' });
    const job = prepareJob(runner, deps);
    expect(job.tags.tags).toEqual([]);
    expect(runner.notices).toEqual([
      expect.stringMatching(
        /^No tags planned for refs\/pull\/7\/merge: .* Building without tags \(push: false\)\. Why each rule produced nothing: type=ref,event=branch: ref refs\/pull\/7\/merge is not a branch\.$/,
      ),
    ]);
  });

  it('push: true fails, naming each rule and a rule that always applies', () => {
    const run = () => prepareJob(fakeRunner(BRANCH_ONLY), deps);
    expect(run).toThrow(ActionError);
    expect(run).toThrow(/^No tags planned for refs\/pull\/7\/merge/);
    try {
      run();
    } catch (err) {
      expect((err as ActionError).hint).toContain('type=sha,format=long');
      expect((err as ActionError).code).toBe('NoTags');
    }
  });
});

/** A runner that records what is masked and everything printed, in order. */
function recordingRunner(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const events: string[] = [];
  const runner: Runner = {
    input: (name) => inputs[name] ?? '',
    setOutput: (name, value) => events.push(`output:${name}=${value}`),
    mask: (value) => events.push(`mask:${value}`),
    saveState: () => undefined,
    exportVariable: () => undefined,
    info: (m) => events.push(`log:${m}`),
    notice: (m) => events.push(`log:${m}`),
    warning: (m) => events.push(`log:${m}`),
    debug: (m) => events.push(`log:${m}`),
    summary: async () => undefined,
    env: { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: 'a'.repeat(40), GITHUB_REF: 'refs/heads/main', ...env },
  };
  return { runner, events };
}

describe('prepareJob masks secrets before parsing them', () => {
  it('a malformed line (a token pasted without id=) is masked, though parsing fails', () => {
    const { runner, events } = recordingRunner({ secrets: 'ok=first-value\nghp_ab/CD+ef0123==' });
    expect(() => prepareJob(runner, deps)).toThrow(ValidationError);
    expect(events).toContain('mask:ghp_ab/CD+ef0123==');
    expect(events).toContain('mask:ok=first-value');
  });

  it('every line of a quoted multi-line value is masked, and the value itself', () => {
    const pem = '-----BEGIN KEY-----\nMIIEsecretline\n-----END KEY-----';
    const { runner, events } = recordingRunner({ secrets: `"key=${pem}"` });
    prepareJob(runner, deps);
    for (const text of [pem, '-----BEGIN KEY-----', 'MIIEsecretline', '-----END KEY-----'])
      expect(events).toContain(`mask:${text}`);
    // A line of quotes alone is never a mask: it would hide every quote in the log.
    expect(events.filter((e) => /^mask:"*$/.test(e))).toEqual([]);
  });

  it('secret-envs values are masked', () => {
    const { runner, events } = recordingRunner(
      { 'secret-envs': 'gh=GH_TOKEN' },
      { GH_TOKEN: 'env-secret-value' },
    );
    const job = prepareJob(runner, deps);
    expect(job.inputs.build.secretEnvs).toEqual([{ key: 'gh', value: 'GH_TOKEN' }]);
    expect(events).toContain('mask:env-secret-value');
  });
});

describe('prepareJob: the default repository', () => {
  it.each<[string, string | undefined]>([
    ['acme/App', 'app'],
    ['acme/.github', undefined],
    ['acme/-x', undefined],
  ])('GITHUB_REPOSITORY %s', (repository, expected) => {
    const { runner } = recordingRunner({}, { GITHUB_REPOSITORY: repository });
    if (expected) {
      expect(prepareJob(runner, deps).repository).toBe(expected);
      return;
    }
    const error = (() => {
      try {
        prepareJob(runner, deps);
      } catch (e) {
        return e as InputError;
      }
      throw new Error('expected an InputError');
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error.input).toBe('repository');
    expect(error.hint).toContain(`defaulted from GITHUB_REPOSITORY ("${repository}")`);
  });
});
