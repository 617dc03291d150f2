/** What the action knows about the run: the GitHub (or CI/git) context, with no I/O left to do. */
export interface RunContext {
  /** push, pull_request, pull_request_target, release, schedule, workflow_dispatch, ... */
  eventName: string;
  /** Full ref: refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge. */
  ref: string;
  /** Commit the workflow runs on (the merge commit for pull requests). */
  sha: string;
  /** owner/name */
  repository: string;
  serverUrl: string;
  runId: string;
  runAttempt: string;
  /** Name of the default branch, when the event payload says it. */
  defaultBranch?: string;
  /** Pull requests: target branch (GITHUB_BASE_REF). */
  baseRef?: string;
  prNumber?: number;
  prHeadSha?: string;
  /** Commit date of `sha` (head commit timestamp), when known. */
  commitDate?: Date;
  /** Repository metadata from the event payload (no API call). */
  repo?: { description?: string; license?: string; htmlUrl?: string; name?: string };
  /** The time the run resolves `{{date}}` against. */
  now: Date;
  /** Running under nektos/act. */
  act: boolean;
}
