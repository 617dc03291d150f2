import { describe, expect, it } from 'vitest';
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
    if (path.startsWith('/tmp/literal:')) return path.slice('/tmp/literal:'.length);
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
      ...(['null', '[]', '"text"', '42', '{not json'] as const).map(
        (text): [string, NodeJS.ProcessEnv, Record<string, unknown>] => [
          `event file holding ${text}: no payload fields, no crash`,
          env('push', { GITHUB_EVENT_PATH: `/tmp/literal:${text}` }),
          { prNumber: undefined, repo: undefined, defaultBranch: undefined },
        ],
      ),
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
