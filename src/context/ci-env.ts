/**
 * Outside GitHub Actions: another CI's variables (GitLab, Buildkite, Jenkins, CircleCI,
 * Bitbucket Pipelines), else git, translated into what the run context reads on GitHub: the
 * GITHUB_* variables and the parts of an event payload that matter for tags (default branch,
 * pull request). Same rules, same tags, wherever the CLI runs. Pure apart from the injected git
 * reader. Variables already set win.
 */

export interface GitReader {
  /** `git rev-parse HEAD`, `git tag --points-at HEAD`, branch name, `origin` URL, origin's default branch. */
  sha(): string | undefined;
  tags(): string[];
  branch(): string | undefined;
  remote(): string | undefined;
  defaultBranch(): string | undefined;
}

/** What a CI's variables say, in one vocabulary. */
interface CiFacts {
  sha?: string;
  branch?: string;
  tag?: string;
  pullRequest?: { number: string; base?: string; head?: string; headSha?: string };
  defaultBranch?: string;
  /** owner/name */
  repository?: string;
  runId?: string;
  serverUrl?: string;
  scheduled?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

interface Ci {
  name: string;
  detect: (env: Env) => boolean;
  read: (env: Env) => CiFacts;
}

/** `false`, `''` and the like mean "not a pull request" in these variables. */
const some = (value: string | undefined) => (value && value !== 'false' ? value : undefined);

export const CIS: readonly Ci[] = [
  {
    name: 'GitLab CI',
    detect: (env) => env.GITLAB_CI === 'true' || Boolean(env.CI_COMMIT_SHA),
    read: (env) => ({
      sha: env.CI_COMMIT_SHA,
      branch: env.CI_COMMIT_BRANCH || env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME,
      tag: some(env.CI_COMMIT_TAG),
      pullRequest: some(env.CI_MERGE_REQUEST_IID)
        ? {
            number: env.CI_MERGE_REQUEST_IID!,
            base: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
            head: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME,
            // Merged-results pipelines run on a merge commit, like GitHub's pull_request sha.
            headSha: env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || env.CI_COMMIT_SHA,
          }
        : undefined,
      defaultBranch: env.CI_DEFAULT_BRANCH,
      repository: env.CI_PROJECT_PATH,
      runId: env.CI_PIPELINE_ID,
      serverUrl: env.CI_SERVER_URL,
      scheduled: env.CI_PIPELINE_SOURCE === 'schedule',
    }),
  },
  {
    name: 'Buildkite',
    detect: (env) => env.BUILDKITE === 'true' || Boolean(env.BUILDKITE_COMMIT),
    read: (env) => ({
      // BUILDKITE_COMMIT is `HEAD` until the agent resolved it.
      sha: /^[0-9a-f]{40}$/i.test(env.BUILDKITE_COMMIT ?? '') ? env.BUILDKITE_COMMIT : undefined,
      branch: env.BUILDKITE_BRANCH,
      tag: some(env.BUILDKITE_TAG),
      pullRequest: some(env.BUILDKITE_PULL_REQUEST)
        ? {
            number: env.BUILDKITE_PULL_REQUEST!,
            base: env.BUILDKITE_PULL_REQUEST_BASE_BRANCH,
            head: env.BUILDKITE_BRANCH,
          }
        : undefined,
      defaultBranch: env.BUILDKITE_PIPELINE_DEFAULT_BRANCH,
      repository: slugFromRemote(env.BUILDKITE_REPO),
      runId: env.BUILDKITE_BUILD_NUMBER,
      scheduled: env.BUILDKITE_SOURCE === 'schedule',
    }),
  },
  {
    name: 'CircleCI',
    detect: (env) => env.CIRCLECI === 'true' || Boolean(env.CIRCLE_SHA1),
    read: (env) => {
      const pr = some(env.CIRCLE_PR_NUMBER) ?? /\/pull\/(\d+)/.exec(env.CIRCLE_PULL_REQUEST ?? '')?.[1];
      return {
        sha: env.CIRCLE_SHA1,
        branch: env.CIRCLE_BRANCH,
        tag: some(env.CIRCLE_TAG),
        pullRequest: pr ? { number: pr, head: env.CIRCLE_BRANCH } : undefined,
        repository:
          env.CIRCLE_PROJECT_USERNAME && env.CIRCLE_PROJECT_REPONAME
            ? `${env.CIRCLE_PROJECT_USERNAME}/${env.CIRCLE_PROJECT_REPONAME}`
            : slugFromRemote(env.CIRCLE_REPOSITORY_URL),
        runId: env.CIRCLE_BUILD_NUM,
      };
    },
  },
  {
    name: 'Bitbucket Pipelines',
    detect: (env) => Boolean(env.BITBUCKET_COMMIT || env.BITBUCKET_BUILD_NUMBER),
    read: (env) => ({
      sha: env.BITBUCKET_COMMIT,
      branch: env.BITBUCKET_BRANCH,
      tag: some(env.BITBUCKET_TAG),
      pullRequest: some(env.BITBUCKET_PR_ID)
        ? {
            number: env.BITBUCKET_PR_ID!,
            base: env.BITBUCKET_PR_DESTINATION_BRANCH,
            head: env.BITBUCKET_BRANCH,
          }
        : undefined,
      repository: env.BITBUCKET_REPO_FULL_NAME,
      runId: env.BITBUCKET_BUILD_NUMBER,
      serverUrl: env.BITBUCKET_REPO_FULL_NAME ? 'https://bitbucket.org' : undefined,
    }),
  },
  {
    // Jenkins last: its git plugin's GIT_* variables also show up under other CIs' agents.
    name: 'Jenkins',
    detect: (env) => Boolean(env.JENKINS_URL || env.GIT_COMMIT || env.BRANCH_NAME),
    read: (env) => ({
      sha: env.GIT_COMMIT,
      // Multibranch pipelines: BRANCH_NAME is PR-7 on a change request, CHANGE_BRANCH its source.
      branch: env.CHANGE_ID
        ? env.CHANGE_BRANCH
        : env.BRANCH_NAME || env.GIT_BRANCH?.replace(/^(origin|refs\/heads)\//, ''),
      tag: some(env.TAG_NAME),
      pullRequest: some(env.CHANGE_ID)
        ? {
            number: env.CHANGE_ID!,
            base: env.CHANGE_TARGET,
            head: env.CHANGE_BRANCH,
          }
        : undefined,
      repository: slugFromRemote(env.GIT_URL),
      runId: env.BUILD_NUMBER,
    }),
  },
];

/** The event payload fields the run context reads (repository.default_branch, pull_request). */
interface CiEvent {
  repository?: { default_branch: string };
  pull_request?: { number: number; head?: { sha: string } };
  number?: number;
}

export interface CiContext {
  /** Which CI the variables came from, or git. */
  source: string;
  env: NodeJS.ProcessEnv;
  event: CiEvent;
}

export function ciContext(env: NodeJS.ProcessEnv, git: GitReader): CiContext {
  if (env.GITHUB_ACTIONS === 'true') return { source: 'GitHub Actions', env, event: {} };
  const ci = CIS.find((c) => c.detect(env));
  const facts = ci?.read(env) ?? {};
  const pr = facts.pullRequest;
  const tag = facts.tag ?? (ci ? undefined : git.tags()[0]);
  const branch = facts.branch ?? git.branch();
  const sha = facts.sha ?? git.sha() ?? '';
  const ref = tag
    ? `refs/tags/${tag}`
    : pr
      ? `refs/pull/${pr.number}/merge`
      : branch
        ? `refs/heads/${branch}`
        : '';
  const defaultBranch = facts.defaultBranch ?? git.defaultBranch();
  const event: CiEvent = {};
  if (defaultBranch) event.repository = { default_branch: defaultBranch };
  if (pr && Number.isInteger(Number(pr.number))) {
    event.number = Number(pr.number);
    event.pull_request = { number: Number(pr.number), head: { sha: pr.headSha ?? sha } };
  }
  const derived: Record<string, string | undefined> = {
    GITHUB_REF: ref,
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: facts.repository ?? slugFromRemote(git.remote()) ?? '',
    GITHUB_EVENT_NAME: facts.scheduled ? 'schedule' : pr ? 'pull_request' : 'push',
    GITHUB_RUN_ID: facts.runId || String(Date.now()),
    GITHUB_SERVER_URL: facts.serverUrl || 'https://github.com',
    GITHUB_BASE_REF: pr?.base,
    GITHUB_HEAD_REF: pr?.head,
  };
  const defined = Object.fromEntries(Object.entries(derived).filter(([, v]) => v !== undefined));
  return { source: ci?.name ?? 'git', env: { ...defined, ...env }, event };
}

/** owner/name from a git remote URL (https, ssh or scp-like), when it has that shape. */
export function slugFromRemote(url: string | undefined): string | undefined {
  const m = url && /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  return m ? m[1] : undefined;
}
