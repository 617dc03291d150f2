/**
 * Run contexts as GitHub hands them over for each event (GITHUB_REF, GITHUB_SHA, GITHUB_BASE_REF,
 * GITHUB_HEAD_REF and the payload fields the context reads).
 */
import type { RunContext } from '../../src/context/types.js';
import { parseFlavor, parseTagRules } from '../../src/tags/rules.js';
import type { TagRequest } from '../../src/tags/types.js';

export const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
export const SHORT = '860c190';
/** pull_request: GITHUB_SHA is the merge commit GitHub made for refs/pull/N/merge. */
export const MERGE_SHA = '3f5a9b21c0d4e8f7a6b5c4d3e2f1a0b9c8d7e6f5';
/** pull_request: payload.pull_request.head.sha, the last commit of the PR branch. */
export const HEAD_SHA = 'b7e2c91d04fa3365c1e8a9d2f0b4c6e8a1d3f5b7';
/** pull_request_target: GITHUB_SHA is the base branch's last commit. */
export const BASE_SHA = 'd41d8cd98f00b204e9800998ecf8427e0c2f1a9b';
export const NOW = new Date('2020-01-10T00:30:00.000Z');

const REPO = {
  name: 'app',
  description: 'The app',
  license: 'Apache-2.0',
  htmlUrl: 'https://github.com/acme/app',
};

function base(overrides: Partial<RunContext>): RunContext {
  return {
    eventName: 'push',
    ref: 'refs/heads/main',
    sha: SHA,
    repository: 'acme/app',
    serverUrl: 'https://github.com',
    runId: '7283910233',
    runAttempt: '1',
    defaultBranch: 'main',
    repo: REPO,
    now: NOW,
    act: false,
    ...overrides,
  };
}

/** push to a branch: payload.head_commit carries the commit date. */
export const pushBranch = (branch: string, overrides: Partial<RunContext> = {}) =>
  base({ ref: `refs/heads/${branch}`, commitDate: new Date('2020-01-09T18:04:12.000Z'), ...overrides });

/** push of a tag. */
export const pushTag = (tag: string) =>
  base({ ref: `refs/tags/${tag}`, commitDate: new Date('2020-01-08T12:00:00Z') });

export const pullRequest = (number: number, overrides: Partial<RunContext> = {}) =>
  base({
    eventName: 'pull_request',
    ref: `refs/pull/${number}/merge`,
    sha: MERGE_SHA,
    baseRef: 'main',
    prNumber: number,
    prHeadSha: HEAD_SHA,
    ...overrides,
  });

/** pull_request_target runs on the base branch: GITHUB_REF is the base, payload.number the PR. */
export const pullRequestTarget = (number: number) =>
  base({
    eventName: 'pull_request_target',
    ref: 'refs/heads/main',
    sha: BASE_SHA,
    baseRef: 'main',
    prNumber: number,
    prHeadSha: HEAD_SHA,
  });

/** release (published): GITHUB_REF is the release's tag. */
export const release = (tag: string) => base({ eventName: 'release', ref: `refs/tags/${tag}` });

/** schedule runs on the default branch; its payload has no repository object. */
export const schedule = () => base({ eventName: 'schedule', repo: undefined, defaultBranch: undefined });

export const workflowDispatch = (branch = 'main') =>
  base({ eventName: 'workflow_dispatch', ref: `refs/heads/${branch}` });

/** A tag request as the input layer hands it over: `rules` and `flavor` parsed from their text. */
export function request(
  overrides: Partial<Omit<TagRequest, 'rules' | 'flavor'>> & { rules?: string; flavor?: string } = {},
): TagRequest {
  const { rules = '', flavor = '', ...rest } = overrides;
  return {
    prHeadSha: false,
    labels: [],
    annotations: [],
    ...rest,
    rules: parseTagRules(rules),
    flavor: parseFlavor(flavor),
  };
}
