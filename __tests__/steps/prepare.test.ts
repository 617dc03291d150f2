import { describe, expect, it } from 'vitest';
import { ActionError } from '../../src/errors.js';
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
    group: (_title, fn) => fn(),
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
