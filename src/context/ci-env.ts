/**
 * Outside GitHub Actions: the GITHUB_* variables the run context reads, derived from
 * another CI's variables (GitLab, Buildkite, Jenkins) or from git. Pure apart from
 * the injected git reader. Variables already set win.
 */
export interface GitReader {
  /** `git rev-parse HEAD`, `git tag --points-at HEAD`, branch name, `origin` URL; undefined when unknown. */
  sha(): string | undefined;
  tags(): string[];
  branch(): string | undefined;
  remote(): string | undefined;
}

export function ciEnvironment(env: NodeJS.ProcessEnv, git: GitReader): NodeJS.ProcessEnv {
  if (env.GITHUB_ACTIONS === 'true') return env;
  const tag = env.CI_COMMIT_TAG || env.BUILDKITE_TAG || env.TAG_NAME || git.tags()[0];
  const branch =
    env.CI_COMMIT_BRANCH ||
    env.BUILDKITE_BRANCH ||
    env.BRANCH_NAME ||
    env.GIT_BRANCH?.replace(/^origin\//, '') ||
    git.branch();
  const mr =
    env.CI_MERGE_REQUEST_IID ||
    (env.BUILDKITE_PULL_REQUEST !== 'false' ? env.BUILDKITE_PULL_REQUEST : undefined) ||
    env.CHANGE_ID;
  const ref = tag ? `refs/tags/${tag}` : mr ? `refs/pull/${mr}/merge` : branch ? `refs/heads/${branch}` : '';
  const repository =
    env.CI_PROJECT_PATH || slugFromRemote(env.BUILDKITE_REPO || env.GIT_URL || git.remote()) || '';
  return {
    GITHUB_REF: ref,
    GITHUB_SHA: env.CI_COMMIT_SHA || env.BUILDKITE_COMMIT || env.GIT_COMMIT || git.sha() || '',
    GITHUB_REPOSITORY: repository,
    GITHUB_EVENT_NAME: mr ? 'pull_request' : 'push',
    GITHUB_RUN_ID: env.CI_PIPELINE_ID || env.BUILDKITE_BUILD_NUMBER || env.BUILD_NUMBER || String(Date.now()),
    GITHUB_SERVER_URL: env.CI_SERVER_URL || 'https://github.com',
    ...env,
  };
}

function slugFromRemote(url: string | undefined): string | undefined {
  const m = url && /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  return m ? m[1] : undefined;
}
