import { describe, expect, it } from 'vitest';
import { CIS, ciContext, slugFromRemote, type GitReader } from '../../src/context/ci-env.js';
import { readRunContext } from '../../src/context/github-context.js';
import type { RunContext } from '../../src/context/types.js';
import { planTags } from '../../src/tags/engine.js';
import { parseFlavor, parseTagRules } from '../../src/tags/rules.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const HEAD = 'b7e2c91d04fa3365c1e8a9d2f0b4c6e8a1d3f5b7';
const NOW = new Date('2024-05-01T12:00:00Z');

function git(
  over: Partial<{ sha: string; tags: string[]; branch: string; remote: string; def: string }> = {},
): GitReader {
  return {
    sha: () => over.sha,
    tags: () => over.tags ?? [],
    branch: () => over.branch,
    remote: () => over.remote,
    defaultBranch: () => over.def,
  };
}
const NO_GIT = git();

/** The run context the engine sees for these variables: ciContext, then the GitHub reader. */
function contextFor(env: NodeJS.ProcessEnv, reader: GitReader = NO_GIT): RunContext {
  const ci = ciContext(env, reader);
  const event = JSON.stringify(ci.event);
  return readRunContext({ ...ci.env, GITHUB_EVENT_PATH: 'event.json' }, () => event, NOW);
}

/** The context fields other CIs must match: ref, commit, pull request, default branch. */
type Facts = Pick<
  RunContext,
  | 'eventName'
  | 'ref'
  | 'sha'
  | 'repository'
  | 'runId'
  | 'serverUrl'
  | 'defaultBranch'
  | 'prNumber'
  | 'prHeadSha'
  | 'baseRef'
> & { source: string };

function facts(env: NodeJS.ProcessEnv, reader?: GitReader): Facts {
  const ctx = contextFor(env, reader);
  return {
    source: ciContext(env, reader ?? NO_GIT).source,
    eventName: ctx.eventName,
    ref: ctx.ref,
    sha: ctx.sha,
    repository: ctx.repository,
    runId: ctx.runId,
    serverUrl: ctx.serverUrl,
    defaultBranch: ctx.defaultBranch,
    prNumber: ctx.prNumber,
    prHeadSha: ctx.prHeadSha,
    baseRef: ctx.baseRef,
  };
}

const GITLAB = {
  GITLAB_CI: 'true',
  CI_COMMIT_SHA: SHA,
  CI_PROJECT_PATH: 'acme/platform/app',
  CI_PIPELINE_ID: '1234567',
  CI_SERVER_URL: 'https://gitlab.example.com',
  CI_DEFAULT_BRANCH: 'main',
  CI_PIPELINE_SOURCE: 'push',
};
const BUILDKITE = {
  BUILDKITE: 'true',
  BUILDKITE_COMMIT: SHA,
  BUILDKITE_REPO: 'git@github.com:acme/app.git',
  BUILDKITE_BUILD_NUMBER: '88',
  BUILDKITE_PULL_REQUEST: 'false',
  BUILDKITE_PIPELINE_DEFAULT_BRANCH: 'main',
  BUILDKITE_TAG: '',
};
const JENKINS = {
  JENKINS_URL: 'https://jenkins.example.com/',
  GIT_COMMIT: SHA,
  GIT_URL: 'https://github.com/acme/app.git',
  BUILD_NUMBER: '301',
};
const CIRCLE = {
  CIRCLECI: 'true',
  CIRCLE_SHA1: SHA,
  CIRCLE_PROJECT_USERNAME: 'acme',
  CIRCLE_PROJECT_REPONAME: 'app',
  CIRCLE_BUILD_NUM: '55',
};
const BITBUCKET = {
  BITBUCKET_COMMIT: SHA,
  BITBUCKET_REPO_FULL_NAME: 'acme/app',
  BITBUCKET_BUILD_NUMBER: '12',
};

const GH = {
  serverUrl: 'https://github.com',
  defaultBranch: undefined,
  prNumber: undefined,
  prHeadSha: undefined,
  baseRef: undefined,
};
const push = (
  source: string,
  ref: string,
  repository: string,
  runId: string,
  more: Partial<Facts> = {},
): Facts => ({
  ...GH,
  source,
  eventName: 'push',
  ref,
  sha: SHA,
  repository,
  runId,
  ...more,
});
const pr = (source: string, n: number, repository: string, runId: string, more: Partial<Facts> = {}): Facts =>
  push(source, `refs/pull/${n}/merge`, repository, runId, {
    eventName: 'pull_request',
    prNumber: n,
    prHeadSha: SHA,
    ...more,
  });

const GL = { serverUrl: 'https://gitlab.example.com', defaultBranch: 'main' };

// [case, environment, git, expected context]
const ROWS: [string, NodeJS.ProcessEnv, GitReader, Facts][] = [
  [
    'GitLab branch pipeline',
    { ...GITLAB, CI_COMMIT_BRANCH: 'main' },
    NO_GIT,
    push('GitLab CI', 'refs/heads/main', 'acme/platform/app', '1234567', GL),
  ],
  [
    'GitLab tag pipeline',
    { ...GITLAB, CI_COMMIT_TAG: 'v1.2.3' },
    NO_GIT,
    push('GitLab CI', 'refs/tags/v1.2.3', 'acme/platform/app', '1234567', GL),
  ],
  [
    'GitLab merge request pipeline',
    {
      ...GITLAB,
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '17',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/x',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    },
    NO_GIT,
    pr('GitLab CI', 17, 'acme/platform/app', '1234567', { ...GL, baseRef: 'main' }),
  ],
  [
    'GitLab merged-results pipeline: the head commit is the source branch sha',
    {
      ...GITLAB,
      CI_MERGE_REQUEST_IID: '18',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/y',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD,
    },
    NO_GIT,
    pr('GitLab CI', 18, 'acme/platform/app', '1234567', {
      ...GL,
      baseRef: 'main',
      prHeadSha: HEAD,
    }),
  ],
  [
    'GitLab scheduled pipeline',
    { ...GITLAB, CI_COMMIT_BRANCH: 'main', CI_PIPELINE_SOURCE: 'schedule' },
    NO_GIT,
    push('GitLab CI', 'refs/heads/main', 'acme/platform/app', '1234567', { ...GL, eventName: 'schedule' }),
  ],
  [
    'Buildkite branch build',
    { ...BUILDKITE, BUILDKITE_BRANCH: 'main' },
    NO_GIT,
    push('Buildkite', 'refs/heads/main', 'acme/app', '88', { defaultBranch: 'main' }),
  ],
  [
    'Buildkite tag build',
    { ...BUILDKITE, BUILDKITE_BRANCH: 'v1.2.3', BUILDKITE_TAG: 'v1.2.3' },
    NO_GIT,
    push('Buildkite', 'refs/tags/v1.2.3', 'acme/app', '88', { defaultBranch: 'main' }),
  ],
  [
    'Buildkite pull request',
    {
      ...BUILDKITE,
      BUILDKITE_BRANCH: 'feature/x',
      BUILDKITE_PULL_REQUEST: '5',
      BUILDKITE_PULL_REQUEST_BASE_BRANCH: 'main',
    },
    NO_GIT,
    pr('Buildkite', 5, 'acme/app', '88', { defaultBranch: 'main', baseRef: 'main' }),
  ],
  [
    'Buildkite with BUILDKITE_COMMIT=HEAD: the commit comes from git',
    { ...BUILDKITE, BUILDKITE_COMMIT: 'HEAD', BUILDKITE_BRANCH: 'main' },
    git({ sha: SHA }),
    push('Buildkite', 'refs/heads/main', 'acme/app', '88', { defaultBranch: 'main' }),
  ],
  [
    'Buildkite scheduled build',
    { ...BUILDKITE, BUILDKITE_BRANCH: 'main', BUILDKITE_SOURCE: 'schedule' },
    NO_GIT,
    push('Buildkite', 'refs/heads/main', 'acme/app', '88', { defaultBranch: 'main', eventName: 'schedule' }),
  ],
  [
    'Jenkins freestyle (GIT_BRANCH origin/main)',
    { ...JENKINS, GIT_BRANCH: 'origin/main' },
    NO_GIT,
    push('Jenkins', 'refs/heads/main', 'acme/app', '301'),
  ],
  [
    'Jenkins multibranch branch (BRANCH_NAME)',
    { ...JENKINS, BRANCH_NAME: 'develop', GIT_BRANCH: 'develop' },
    git({ def: 'main' }),
    push('Jenkins', 'refs/heads/develop', 'acme/app', '301', { defaultBranch: 'main' }),
  ],
  [
    'Jenkins multibranch change request (CHANGE_ID)',
    { ...JENKINS, BRANCH_NAME: 'PR-9', CHANGE_ID: '9', CHANGE_BRANCH: 'feature/z', CHANGE_TARGET: 'main' },
    NO_GIT,
    pr('Jenkins', 9, 'acme/app', '301', { baseRef: 'main' }),
  ],
  [
    'Jenkins multibranch tag (TAG_NAME)',
    { ...JENKINS, BRANCH_NAME: 'v2.0.0', TAG_NAME: 'v2.0.0' },
    NO_GIT,
    push('Jenkins', 'refs/tags/v2.0.0', 'acme/app', '301'),
  ],
  [
    'CircleCI branch',
    { ...CIRCLE, CIRCLE_BRANCH: 'main' },
    git({ def: 'main' }),
    push('CircleCI', 'refs/heads/main', 'acme/app', '55', { defaultBranch: 'main' }),
  ],
  [
    'CircleCI tag',
    { ...CIRCLE, CIRCLE_TAG: 'v3.0.0' },
    NO_GIT,
    push('CircleCI', 'refs/tags/v3.0.0', 'acme/app', '55'),
  ],
  [
    'CircleCI pull request (number from CIRCLE_PULL_REQUEST)',
    { ...CIRCLE, CIRCLE_BRANCH: 'feature/c', CIRCLE_PULL_REQUEST: 'https://github.com/acme/app/pull/23' },
    NO_GIT,
    pr('CircleCI', 23, 'acme/app', '55'),
  ],
  [
    'Bitbucket branch',
    { ...BITBUCKET, BITBUCKET_BRANCH: 'main' },
    NO_GIT,
    push('Bitbucket Pipelines', 'refs/heads/main', 'acme/app', '12', { serverUrl: 'https://bitbucket.org' }),
  ],
  [
    'Bitbucket tag',
    { ...BITBUCKET, BITBUCKET_TAG: 'v4.0.0' },
    NO_GIT,
    push('Bitbucket Pipelines', 'refs/tags/v4.0.0', 'acme/app', '12', { serverUrl: 'https://bitbucket.org' }),
  ],
  [
    'Bitbucket pull request',
    {
      ...BITBUCKET,
      BITBUCKET_BRANCH: 'feature/b',
      BITBUCKET_PR_ID: '31',
      BITBUCKET_PR_DESTINATION_BRANCH: 'main',
    },
    NO_GIT,
    pr('Bitbucket Pipelines', 31, 'acme/app', '12', {
      serverUrl: 'https://bitbucket.org',
      baseRef: 'main',
    }),
  ],
  [
    'plain git on a branch (scp-style remote, origin/HEAD)',
    {},
    git({ sha: SHA, branch: 'feature/y', remote: 'git@github.com:acme/app.git', def: 'main' }),
    push('git', 'refs/heads/feature/y', 'acme/app', '', { defaultBranch: 'main' }),
  ],
  [
    'plain git on a tag (https remote, trailing slash)',
    {},
    git({ sha: SHA, branch: 'main', tags: ['v3.1.0', 'v3.1'], remote: 'https://github.com/acme/app/' }),
    push('git', 'refs/tags/v3.1.0', 'acme/app', ''),
  ],
  ['plain git, detached with no remote', {}, git({ sha: SHA }), push('git', '', '', '')],
  ['no git at all', {}, NO_GIT, push('git', '', '', '', { sha: '' })],
];

describe('context/ci-env: each CI gives the same context GitHub would', () => {
  it.each(ROWS)('%s', (_name, env, reader, expected) => {
    const actual = facts(env, reader);
    // The run id falls back to the clock outside a CI: only its shape is checked.
    if (expected.runId === '') {
      expect(actual.runId).toMatch(/^\d+$/);
      actual.runId = '';
    }
    expect(actual).toEqual(expected);
  });

  it('every CI in the table has a row', () => {
    const covered = new Set(ROWS.map(([, env, reader]) => ciContext(env, reader).source));
    for (const ci of CIS) expect(covered).toContain(ci.name);
  });
});

describe('context/ci-env: the same rules give the same tags', () => {
  const RULES = [
    'type=ref,event=branch',
    'type=ref,event=tag',
    'type=ref,event=pr',
    'type=semver,pattern={{version}}',
    'type=sha',
    'type=raw,value=latest,enable={{is_default_branch}}',
    'type=edge',
  ].join('\n');
  const tags = (ctx: RunContext) =>
    planTags(ctx, {
      rules: parseTagRules(RULES),
      flavor: parseFlavor(''),
      prHeadSha: false,
      labels: [],
      annotations: [],
    }).tags;
  const github = (env: NodeJS.ProcessEnv, event: object) =>
    tags(
      readRunContext(
        {
          GITHUB_ACTIONS: 'true',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_PATH: 'e',
          ...env,
        },
        () => JSON.stringify(event),
        NOW,
      ),
    );
  const REPO = { repository: { default_branch: 'main' } };

  // [case, other CI's variables, GitHub's variables and event for the same run]
  const SAME: [string, NodeJS.ProcessEnv, NodeJS.ProcessEnv, object][] = [
    [
      'GitLab default branch',
      { ...GITLAB, CI_COMMIT_BRANCH: 'main' },
      { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' },
      REPO,
    ],
    [
      'GitLab other branch',
      { ...GITLAB, CI_COMMIT_BRANCH: 'dev' },
      { GITHUB_REF: 'refs/heads/dev', GITHUB_EVENT_NAME: 'push' },
      REPO,
    ],
    [
      'GitLab tag',
      { ...GITLAB, CI_COMMIT_TAG: 'v1.2.3' },
      { GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_EVENT_NAME: 'push' },
      REPO,
    ],
    [
      'GitLab merge request',
      {
        ...GITLAB,
        CI_MERGE_REQUEST_IID: '17',
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'f',
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      },
      {
        GITHUB_REF: 'refs/pull/17/merge',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_HEAD_REF: 'f',
        GITHUB_BASE_REF: 'main',
      },
      { ...REPO, number: 17, pull_request: { number: 17, head: { sha: SHA } } },
    ],
    [
      'Buildkite default branch',
      { ...BUILDKITE, BUILDKITE_BRANCH: 'main' },
      { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' },
      REPO,
    ],
    [
      'Buildkite tag',
      { ...BUILDKITE, BUILDKITE_BRANCH: 'v2.0.0', BUILDKITE_TAG: 'v2.0.0' },
      { GITHUB_REF: 'refs/tags/v2.0.0', GITHUB_EVENT_NAME: 'push' },
      REPO,
    ],
    [
      'Jenkins change request',
      { ...JENKINS, BRANCH_NAME: 'PR-9', CHANGE_ID: '9', CHANGE_BRANCH: 'f', CHANGE_TARGET: 'main' },
      {
        GITHUB_REF: 'refs/pull/9/merge',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_HEAD_REF: 'f',
        GITHUB_BASE_REF: 'main',
      },
      { number: 9, pull_request: { number: 9, head: { sha: SHA } } },
    ],
    [
      'CircleCI tag',
      { ...CIRCLE, CIRCLE_TAG: 'v3.0.0' },
      { GITHUB_REF: 'refs/tags/v3.0.0', GITHUB_EVENT_NAME: 'push' },
      {},
    ],
    [
      'Bitbucket branch',
      { ...BITBUCKET, BITBUCKET_BRANCH: 'feature/b' },
      { GITHUB_REF: 'refs/heads/feature/b', GITHUB_EVENT_NAME: 'push' },
      {},
    ],
  ];
  it.each(SAME)('%s', (_name, other, gh, event) => {
    const ours = tags(contextFor(other));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(github(gh, event));
  });
});

describe('context/ci-env: precedence', () => {
  it('keeps the CI variables it read from', () => {
    const { env } = ciContext({ ...GITLAB, CI_COMMIT_BRANCH: 'main', PATH: '/usr/bin' }, NO_GIT);
    expect(env.CI_PROJECT_PATH).toBe('acme/platform/app');
    expect(env.PATH).toBe('/usr/bin');
  });

  it('GITHUB_* already set win over derived values', () => {
    const { env } = ciContext(
      {
        ...GITLAB,
        CI_COMMIT_BRANCH: 'main',
        GITHUB_REPOSITORY: 'acme/override',
        GITHUB_REF: 'refs/heads/release',
      },
      NO_GIT,
    );
    expect(env.GITHUB_REPOSITORY).toBe('acme/override');
    expect(env.GITHUB_REF).toBe('refs/heads/release');
    expect(env.GITHUB_SHA).toBe(SHA);
  });

  it('GITHUB_ACTIONS=true passes the environment through untouched, git unread', () => {
    const env = { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', CI_COMMIT_TAG: 'v9.9.9' };
    const read: string[] = [];
    const spy: GitReader = {
      sha: () => (read.push('sha'), undefined),
      tags: () => (read.push('tags'), []),
      branch: () => (read.push('branch'), undefined),
      remote: () => (read.push('remote'), undefined),
      defaultBranch: () => (read.push('defaultBranch'), undefined),
    };
    const out = ciContext(env, spy);
    expect(out.env).toBe(env);
    expect(out.event).toEqual({});
    expect(read).toEqual([]);
  });

  it('a CI tag wins over the tags git sees; under a CI, git tags are not read', () => {
    expect(ciContext({ ...GITLAB, CI_COMMIT_TAG: 'v1.0.0' }, git({ tags: ['v0.9.0'] })).env.GITHUB_REF).toBe(
      'refs/tags/v1.0.0',
    );
    expect(ciContext({ ...GITLAB, CI_COMMIT_BRANCH: 'main' }, git({ tags: ['v0.9.0'] })).env.GITHUB_REF).toBe(
      'refs/heads/main',
    );
  });

  it.each([
    ['git@github.com:acme/app.git', 'acme/app'],
    ['https://github.com/acme/app.git', 'acme/app'],
    ['https://gitlab.example.com/acme/app/', 'acme/app'],
    ['ssh://git@bitbucket.org/acme/app.git', 'acme/app'],
    ['not a url', undefined],
  ])('slugFromRemote(%s) = %s', (url, slug) => {
    expect(slugFromRemote(url)).toBe(slug);
  });
});
