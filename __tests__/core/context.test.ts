import { describe, expect, it } from 'vitest';
import { ciEnvironment, type GitReader } from '../../src/context/ci-env.js';
import { readRunContext } from '../../src/context/github-context.js';
import type { RunContext } from '../../src/context/types.js';

describe('context/github-context', () => {
  const NOW = new Date('2024-05-01T12:00:00Z');
  const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
  const MERGE_SHA = '3f5a9b21c0d4e8f7a6b5c4d3e2f1a0b9c8d7e6f5';
  const HEAD_SHA = 'b7e2c91d04fa3365c1e8a9d2f0b4c6e8a1d3f5b7';

  const REPOSITORY = {
    id: 1296269,
    name: 'app',
    full_name: 'acme/app',
    html_url: 'https://github.com/acme/app',
    description: 'The app',
    default_branch: 'main',
    license: { key: 'apache-2.0', name: 'Apache License 2.0', spdx_id: 'Apache-2.0' },
    owner: { login: 'acme' },
  };

  const PAYLOADS: Record<string, unknown> = {
    push: {
      ref: 'refs/heads/main',
      before: '0000000000000000000000000000000000000000',
      after: SHA,
      repository: REPOSITORY,
      head_commit: {
        id: SHA,
        message: 'Fix it',
        timestamp: '2024-04-30T09:15:00+02:00',
        author: { name: 'Dev' },
      },
      pusher: { name: 'dev' },
    },
    pull_request: {
      action: 'synchronize',
      number: 42,
      pull_request: {
        number: 42,
        head: { ref: 'feature/x', sha: HEAD_SHA },
        base: { ref: 'main', sha: SHA },
      },
      repository: REPOSITORY,
    },
    release: {
      action: 'published',
      release: { tag_name: 'v1.2.3', name: 'v1.2.3', prerelease: false },
      repository: { ...REPOSITORY, description: null, license: null },
    },
    // A tag push names the branch the tag was pushed from.
    push_tag: { ref: 'refs/tags/v2.0.0', base_ref: 'refs/heads/main', repository: REPOSITORY },
    schedule: { schedule: '0 3 * * *', repository: REPOSITORY, workflow: '.github/workflows/nightly.yml' },
    workflow_dispatch: { inputs: { environment: 'staging' }, ref: 'refs/heads/main', repository: REPOSITORY },
  };

  function env(event: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: `/home/runner/work/_temp/_github_workflow/${event}.json`,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '9876543210',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_BASE_REF: '',
      GITHUB_HEAD_REF: '',
      ...extra,
    };
  }

  const read = (path: string) => {
    const event = /\/([a-z_]+)\.json$/.exec(path)?.[1];
    return event && PAYLOADS[event] ? JSON.stringify(PAYLOADS[event]) : undefined;
  };

  const REPO_FIELDS = {
    description: 'The app',
    license: 'Apache-2.0',
    htmlUrl: 'https://github.com/acme/app',
    name: 'app',
  };

  describe('readRunContext', () => {
    const rows: [string, NodeJS.ProcessEnv, Partial<RunContext>][] = [
      [
        'push with head_commit',
        env('push'),
        {
          eventName: 'push',
          ref: 'refs/heads/main',
          sha: SHA,
          defaultBranch: 'main',
          prNumber: undefined,
          prHeadSha: undefined,
          baseRef: undefined,
          headRef: undefined,
          commitDate: new Date('2024-04-30T07:15:00Z'),
          repo: REPO_FIELDS,
        },
      ],
      [
        'push of a tag',
        env('push', { GITHUB_REF: 'refs/tags/v1.2.3' }),
        { eventName: 'push', ref: 'refs/tags/v1.2.3', prNumber: undefined },
      ],
      [
        'push of a tag: base_ref from the payload',
        env('push', {
          GITHUB_REF: 'refs/tags/v2.0.0',
          GITHUB_EVENT_PATH: '/home/runner/work/_temp/_github_workflow/push_tag.json',
        }),
        { eventName: 'push', ref: 'refs/tags/v2.0.0', baseRef: 'refs/heads/main' },
      ],
      [
        'push of a branch: a payload base_ref is not a base ref',
        env('push', { GITHUB_EVENT_PATH: '/home/runner/work/_temp/_github_workflow/push_tag.json' }),
        { eventName: 'push', ref: 'refs/heads/main', baseRef: undefined },
      ],
      [
        'pull_request: number, head sha, base/head refs',
        env('pull_request', {
          GITHUB_REF: 'refs/pull/42/merge',
          GITHUB_SHA: MERGE_SHA,
          GITHUB_BASE_REF: 'main',
          GITHUB_HEAD_REF: 'feature/x',
        }),
        {
          eventName: 'pull_request',
          ref: 'refs/pull/42/merge',
          sha: MERGE_SHA,
          prNumber: 42,
          prHeadSha: HEAD_SHA,
          baseRef: 'main',
          headRef: 'feature/x',
          commitDate: undefined,
          defaultBranch: 'main',
        },
      ],
      [
        'release: null description and license',
        env('release', { GITHUB_REF: 'refs/tags/v1.2.3' }),
        {
          eventName: 'release',
          ref: 'refs/tags/v1.2.3',
          prNumber: undefined,
          commitDate: undefined,
          repo: {
            description: undefined,
            license: undefined,
            htmlUrl: 'https://github.com/acme/app',
            name: 'app',
          },
        },
      ],
      [
        'schedule',
        env('schedule'),
        {
          eventName: 'schedule',
          ref: 'refs/heads/main',
          prNumber: undefined,
          defaultBranch: 'main',
          commitDate: undefined,
        },
      ],
      [
        'workflow_dispatch',
        env('workflow_dispatch'),
        { eventName: 'workflow_dispatch', ref: 'refs/heads/main', prNumber: undefined, repo: REPO_FIELDS },
      ],
      [
        'no payload file: PR number from the ref',
        env('pull_request', { GITHUB_EVENT_PATH: undefined, GITHUB_REF: 'refs/pull/7/merge' }),
        { prNumber: 7, prHeadSha: undefined, repo: undefined, defaultBranch: undefined },
      ],
      [
        'run identity and server',
        env('push', { GITHUB_SERVER_URL: 'https://ghe.example.com' }),
        {
          repository: 'acme/app',
          runId: '9876543210',
          runAttempt: '2',
          serverUrl: 'https://ghe.example.com',
          now: NOW,
          act: false,
        },
      ],
      ['act', env('push', { ACT: 'true' }), { act: true }],
      [
        'nothing set: defaults',
        {},
        {
          eventName: 'push',
          ref: '',
          sha: '',
          repository: '',
          serverUrl: 'https://github.com',
          runId: '0',
          runAttempt: '1',
          repo: undefined,
        },
      ],
    ];
    it.each(rows)('%s', (_name, environment, expected) => {
      const ctx = readRunContext(environment, read, NOW);
      for (const [key, value] of Object.entries(expected))
        expect(ctx[key as keyof RunContext]).toEqual(value);
    });

    it('an unreadable or broken payload is ignored', () => {
      const ctx = readRunContext(env('push'), () => '{not json', NOW);
      expect(ctx.repo).toBeUndefined();
      expect(ctx.sha).toBe(SHA);
      expect(readRunContext(env('push'), () => undefined, NOW).commitDate).toBeUndefined();
    });

    it('an invalid head_commit timestamp gives no commit date', () => {
      const ctx = readRunContext(
        env('push'),
        () => JSON.stringify({ head_commit: { timestamp: 'yesterday' } }),
        NOW,
      );
      expect(ctx.commitDate).toBeUndefined();
    });
  });
});

describe('context/ci-env', () => {
  const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';

  function git(
    over: Partial<{ sha: string; tags: string[]; branch: string; remote: string }> = {},
  ): GitReader {
    return {
      sha: () => over.sha,
      tags: () => over.tags ?? [],
      branch: () => over.branch,
      remote: () => over.remote,
    };
  }
  const NO_GIT = git();

  type Github = {
    GITHUB_REF: string;
    GITHUB_SHA: string;
    GITHUB_REPOSITORY: string;
    GITHUB_EVENT_NAME: string;
    GITHUB_RUN_ID: string;
    GITHUB_SERVER_URL: string;
  };

  const GITLAB = {
    GITLAB_CI: 'true',
    CI_COMMIT_SHA: SHA,
    CI_PROJECT_PATH: 'acme/platform/app',
    CI_PIPELINE_ID: '1234567',
    CI_SERVER_URL: 'https://gitlab.example.com',
  };
  const BUILDKITE = {
    BUILDKITE: 'true',
    BUILDKITE_COMMIT: SHA,
    BUILDKITE_REPO: 'git@github.com:acme/app.git',
    BUILDKITE_BUILD_NUMBER: '88',
    BUILDKITE_PULL_REQUEST: 'false',
  };
  const JENKINS = {
    JENKINS_URL: 'https://jenkins.example.com/',
    GIT_COMMIT: SHA,
    GIT_URL: 'https://github.com/acme/app.git',
    BUILD_NUMBER: '301',
  };

  describe('ciEnvironment', () => {
    const rows: [string, NodeJS.ProcessEnv, GitReader, Github][] = [
      [
        'GitLab branch pipeline',
        { ...GITLAB, CI_COMMIT_BRANCH: 'main' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/heads/main',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/platform/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '1234567',
          GITHUB_SERVER_URL: 'https://gitlab.example.com',
        },
      ],
      [
        'GitLab tag pipeline (CI_COMMIT_TAG)',
        { ...GITLAB, CI_COMMIT_TAG: 'v1.2.3' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/tags/v1.2.3',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/platform/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '1234567',
          GITHUB_SERVER_URL: 'https://gitlab.example.com',
        },
      ],
      [
        'GitLab merge request pipeline (CI_MERGE_REQUEST_IID)',
        { ...GITLAB, CI_MERGE_REQUEST_IID: '17', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/x' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/pull/17/merge',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/platform/app',
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_RUN_ID: '1234567',
          GITHUB_SERVER_URL: 'https://gitlab.example.com',
        },
      ],
      [
        'Buildkite branch build',
        { ...BUILDKITE, BUILDKITE_BRANCH: 'main' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/heads/main',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '88',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'Buildkite tag build',
        { ...BUILDKITE, BUILDKITE_BRANCH: 'v1.2.3', BUILDKITE_TAG: 'v1.2.3' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/tags/v1.2.3',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '88',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'Buildkite pull request',
        { ...BUILDKITE, BUILDKITE_BRANCH: 'feature/x', BUILDKITE_PULL_REQUEST: '5' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/pull/5/merge',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_RUN_ID: '88',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'Jenkins freestyle (GIT_BRANCH origin/main)',
        { ...JENKINS, GIT_BRANCH: 'origin/main' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/heads/main',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '301',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'Jenkins multibranch pull request (CHANGE_ID)',
        { ...JENKINS, BRANCH_NAME: 'PR-9', CHANGE_ID: '9' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/pull/9/merge',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_RUN_ID: '301',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'Jenkins multibranch tag (TAG_NAME)',
        { ...JENKINS, BRANCH_NAME: 'v2.0.0', TAG_NAME: 'v2.0.0' },
        NO_GIT,
        {
          GITHUB_REF: 'refs/tags/v2.0.0',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '301',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'plain git on a branch (scp-style remote)',
        {},
        git({ sha: SHA, branch: 'feature/y', remote: 'git@github.com:acme/app.git' }),
        {
          GITHUB_REF: 'refs/heads/feature/y',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'plain git on a tag (https remote, trailing slash)',
        {},
        git({ sha: SHA, branch: 'main', tags: ['v3.1.0', 'v3.1'], remote: 'https://github.com/acme/app/' }),
        {
          GITHUB_REF: 'refs/tags/v3.1.0',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
      [
        'plain git, detached with no remote',
        {},
        git({ sha: SHA }),
        {
          GITHUB_REF: '',
          GITHUB_SHA: SHA,
          GITHUB_REPOSITORY: '',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_RUN_ID: '',
          GITHUB_SERVER_URL: 'https://github.com',
        },
      ],
    ];
    it.each(rows)('%s', (_name, env, reader, expected) => {
      const out = ciEnvironment(env, reader);
      const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, out[k]]));
      // The run id falls back to the clock outside a CI: only its shape is checked.
      if (expected.GITHUB_RUN_ID === '') {
        expect(actual.GITHUB_RUN_ID).toMatch(/^\d+$/);
        actual.GITHUB_RUN_ID = '';
      }
      expect(actual).toEqual(expected);
    });

    it('keeps the CI variables it read from', () => {
      const out = ciEnvironment({ ...GITLAB, CI_COMMIT_BRANCH: 'main', PATH: '/usr/bin' }, NO_GIT);
      expect(out.CI_PROJECT_PATH).toBe('acme/platform/app');
      expect(out.PATH).toBe('/usr/bin');
    });

    it('GITHUB_* already set win over derived values', () => {
      const out = ciEnvironment(
        {
          ...GITLAB,
          CI_COMMIT_BRANCH: 'main',
          GITHUB_REPOSITORY: 'acme/override',
          GITHUB_REF: 'refs/heads/release',
        },
        NO_GIT,
      );
      expect(out.GITHUB_REPOSITORY).toBe('acme/override');
      expect(out.GITHUB_REF).toBe('refs/heads/release');
      expect(out.GITHUB_SHA).toBe(SHA);
    });

    it('GITHUB_ACTIONS=true passes the environment through untouched, git unread', () => {
      const env = { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', CI_COMMIT_TAG: 'v9.9.9' };
      let gitRead = false;
      const spy: GitReader = {
        sha: () => ((gitRead = true), undefined),
        tags: () => ((gitRead = true), []),
        branch: () => ((gitRead = true), undefined),
        remote: () => ((gitRead = true), undefined),
      };
      const out = ciEnvironment(env, spy);
      expect(out).toBe(env);
      expect(out.GITHUB_REF).toBe('refs/heads/main');
      expect(gitRead).toBe(false);
    });

    it('the CI tag wins over the tags git sees', () => {
      const out = ciEnvironment({ ...GITLAB, CI_COMMIT_TAG: 'v1.0.0' }, git({ tags: ['v0.9.0'] }));
      expect(out.GITHUB_REF).toBe('refs/tags/v1.0.0');
    });
  });
});
