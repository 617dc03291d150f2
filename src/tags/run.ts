/** What the rules see of the run: the effective ref and commit, and the global `{{…}}` values. */
import type { RunContext } from '../context/types.js';
import { formatDate, isTimeZone } from './dates.js';
import type { Expression, TemplateValues } from './expressions.js';

export const SHORT_SHA_LENGTH = 7;

export interface RunFacts {
  eventName: string;
  /** The ref rules read: pull_request_target reads as `refs/pull/N/merge`, as in metadata-action. */
  ref: string;
  /** The commit tagged: the PR head when asked for, else the workflow's sha. */
  sha: string;
  defaultBranch?: string;
  prNumber?: number;
  baseRef?: string;
  now: Date;
  commitDate?: Date;
}

/** The facts, and a warning when the PR head sha was asked for but the event has none. */
export function runFacts(ctx: RunContext, prHeadSha: boolean): { facts: RunFacts; warning?: string } {
  const pullRequest = ctx.eventName.startsWith('pull_request') || ctx.ref.startsWith('refs/pull/');
  const ref =
    ctx.eventName === 'pull_request_target' && ctx.prNumber !== undefined
      ? `refs/pull/${ctx.prNumber}/merge`
      : ctx.ref;
  let sha = ctx.sha;
  let warning: string | undefined;
  if (prHeadSha && pullRequest) {
    if (ctx.prHeadSha) sha = ctx.prHeadSha;
    else
      warning = `pr-head-sha: the ${ctx.eventName} event has no pull request head sha; tagging ${ctx.sha || 'nothing'}`;
  }
  const facts: RunFacts = { eventName: ctx.eventName, ref, sha, now: ctx.now };
  if (ctx.defaultBranch) facts.defaultBranch = ctx.defaultBranch;
  if (ctx.prNumber !== undefined) facts.prNumber = ctx.prNumber;
  if (ctx.baseRef) facts.baseRef = ctx.baseRef;
  if (ctx.commitDate) facts.commitDate = ctx.commitDate;
  return { facts, ...(warning ? { warning } : {}) };
}

export function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

export function tagOf(ref: string): string | undefined {
  return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}

/** The pull request number, or undefined when the ref is not a pull request's. */
export function pullRequestOf(facts: RunFacts): string | undefined {
  if (!facts.ref.startsWith('refs/pull/')) return undefined;
  return facts.prNumber !== undefined
    ? String(facts.prNumber)
    : facts.ref.slice('refs/pull/'.length).replace(/\/merge$/, '');
}

/** metadata-action's rule: the ref names the default branch, or the event only runs on it. */
function isDefaultBranch(facts: RunFacts): boolean {
  const branch = facts.ref.replace(/^refs\/heads\//, '');
  if (branch === '') return false;
  if (facts.defaultBranch !== undefined && branch === facts.defaultBranch) return true;
  return /^(create|discussion|issues|schedule)/.test(facts.eventName);
}

export function globalValues(facts: RunFacts): TemplateValues {
  const onDefault = isDefaultBranch(facts);
  const dateHelper = (date: Date) => (e: Expression) => {
    const zone = e.hash.tz !== undefined && isTimeZone(e.hash.tz) ? e.hash.tz : 'UTC';
    // Without a format moment prints ISO 8601, with `Z` in UTC and the offset elsewhere.
    const format = e.args[0] ?? (zone === 'UTC' ? 'YYYY-MM-DDTHH:mm:ss[Z]' : 'YYYY-MM-DDTHH:mm:ssZ');
    return formatDate(date, format, zone);
  };
  return {
    branch: branchOf(facts.ref) ?? '',
    tag: tagOf(facts.ref) ?? '',
    sha: facts.sha.slice(0, SHORT_SHA_LENGTH),
    // GITHUB_BASE_REF: the PR's target branch; empty on branch pushes.
    base_ref: branchOf(facts.ref) === undefined ? (facts.baseRef ?? '').replace(/^refs\/heads\//, '') : '',
    is_default_branch: String(onDefault),
    is_not_default_branch: String(!onDefault),
    date: dateHelper(facts.now),
    // metadata-action falls back to the current date when the commit date is unknown.
    commit_date: dateHelper(facts.commitDate ?? facts.now),
  };
}
