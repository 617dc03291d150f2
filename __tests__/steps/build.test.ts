/** The secret values a build gets: `secrets` and `github-token` (build-push-action's GIT_AUTH_TOKEN). */
import { describe, expect, it } from 'vitest';
import { buildSecrets, isGitHubGitContext } from '../../src/steps/build.js';
import type { Job } from '../../src/steps/prepare.js';
import { buildInputs, runContext } from '../core/helpers.js';

function secretsFor(build: Parameters<typeof buildInputs>[0]) {
  const job = { inputs: { build: buildInputs(build) }, ctx: runContext() } as unknown as Job;
  return { secrets: buildSecrets(job) };
}

const REMOTE = 'https://github.com/octo/private.git#main';

describe('buildSecrets', () => {
  it.each([
    // [build inputs, secret ids]
    [{}, []],
    [{ secrets: [{ key: 'npm', value: 'n' }] }, ['npm']],
    // github-token: only for a remote git context on the GitHub host, never over the user's own
    [{ githubToken: 'ghs_x' }, []],
    [{ githubToken: 'ghs_x', context: REMOTE }, ['GIT_AUTH_TOKEN']],
    [{ githubToken: 'ghs_x', context: 'https://gitlab.com/o/r.git' }, []],
    [
      { githubToken: 'ghs_x', context: REMOTE, secrets: [{ key: 'GIT_AUTH_TOKEN', value: 'mine' }] },
      ['GIT_AUTH_TOKEN'],
    ],
  ])('%j → %j', (build, ids) => {
    expect(secretsFor(build).secrets.map((s) => s.key)).toEqual(ids);
  });

  it('the user’s GIT_AUTH_TOKEN wins over github-token', () => {
    const { secrets } = secretsFor({
      githubToken: 'ghs_x',
      context: REMOTE,
      secrets: [{ key: 'GIT_AUTH_TOKEN', value: 'mine' }],
    });
    expect(secrets).toEqual([{ key: 'GIT_AUTH_TOKEN', value: 'mine' }]);
  });
});

describe('isGitHubGitContext', () => {
  it.each([
    ['.', 'https://github.com', false],
    [REMOTE, 'https://github.com', true],
    ['https://x-access-token@github.com/o/r.git', 'https://github.com', true],
    ['git@github.com:o/r.git', 'https://github.com', true],
    ['git://github.com/o/r.git', 'https://github.com', true],
    [REMOTE, 'https://ghe.corp.example', false],
    ['https://ghe.corp.example/o/r.git#v1', 'https://ghe.corp.example', true],
    ['https://github.com.evil.example/o/r.git', 'https://github.com', false],
  ])('%s on %s → %s', (context, server, expected) => {
    expect(isGitHubGitContext(context, server)).toBe(expected);
  });
});
