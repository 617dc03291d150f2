import { describe, expect, it } from 'vitest';
import { ActionError, InputError, ValidationError } from '../../src/errors.js';
import { prepareJob } from '../../src/steps/prepare.js';
import { DEPS, githubEnv, jobOf, recordingRunner, ROLE, SHA } from '../support/job.js';

function failure(inputs: Record<string, string>, env = githubEnv(), deps = DEPS): ActionError {
  try {
    prepareJob(recordingRunner(inputs, env), deps);
  } catch (error) {
    return error as ActionError;
  }
  throw new Error('prepareJob did not fail');
}

describe('steps/prepare', () => {
  it('decides everything before the network: tags, reuse tag, credentials, retry policy', () => {
    const { job } = jobOf({ tags: 'type=sha,format=long', 'max-attempts': '2', 'retry-budget-seconds': '5' });
    expect(job.tags.tags).toEqual([`sha-${SHA}`]);
    expect(job.reuseTag).toBe(`sha-${SHA}`);
    expect(job.repository).toBe('app');
    expect(job.credentials).toEqual({ source: 'default-chain' });
    expect(job.retry).toMatchObject({ maxAttempts: 2, budgetMs: 5000 });
    expect(job.dryRun).toBe(false);
  });

  it('secret values are masked before anything else sees them', () => {
    const { runner } = jobOf({ secrets: 'npm=npm_TOKEN_VALUE' });
    expect(runner.masked).toContain('npm_TOKEN_VALUE');
  });

  it('a dry run without credentials decides on no AWS call, and extras get no credentials', () => {
    const env = githubEnv();
    const { job } = jobOf({ 'dry-run': 'true', registries: `210987654321/us-east-1=${ROLE}` }, env);
    expect(job.credentials).toEqual({ source: 'none' });
    expect(job.extras).toEqual([
      { spec: expect.objectContaining({ account: '210987654321' }), credentials: undefined },
    ]);
  });

  it('an extra registry with a role of its own gets that role', () => {
    const env = githubEnv({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_WEB_IDENTITY_TOKEN_FILE: '/run/token' });
    const { job } = jobOf({ registries: `210987654321/us-east-1=${ROLE}` }, env);
    expect(job.extras[0]!.credentials).toMatchObject({
      source: 'web-identity',
      roleArn: ROLE,
      tokenFile: '/run/token',
    });
  });

  // what is missing → error code
  it.each([
    ['no repository and no GITHUB_REPOSITORY', {}, githubEnv({ GITHUB_REPOSITORY: '' }), 'NoRepository'],
    ['no tag for this event', { tags: 'type=ref,event=pr' }, githubEnv(), 'NoTags'],
  ])('%s → %s', (_name, inputs, env, code) => {
    expect(failure(inputs, env).code).toBe(code);
  });

  it('reuse-key tree without a git tree hash says how to fix it', () => {
    const error = failure({ 'reuse-key': 'tree' }, githubEnv(), {
      ...DEPS,
      treeHash: () => {
        throw new Error('fatal: not a git repository');
      },
    });
    expect(error.code).toBe('NoTreeHash');
    expect(error.message).toContain('fatal: not a git repository');
    expect(error.hint).toContain('actions/checkout');
  });
});

describe('prepareJob: rules that produce no tag', () => {
  // A PR check that only builds: the branch rule produces nothing on a pull request.
  const BRANCH_ONLY = { tags: 'type=ref,event=branch' };
  const pullRequest = () => githubEnv({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' });

  it('push: false builds untagged, with a notice that says why (as the chain does for PR checks)', () => {
    const runner = recordingRunner({ ...BRANCH_ONLY, push: 'false' }, pullRequest());
    const job = prepareJob(runner, DEPS);
    expect(job.tags.tags).toEqual([]);
    expect(runner.log).toEqual([
      expect.stringMatching(
        /^notice: No tags planned for refs\/pull\/7\/merge: .* Building without tags \(push: false\)\. Why each rule produced nothing: type=ref,event=branch: ref refs\/pull\/7\/merge is not a branch\.$/,
      ),
    ]);
  });

  it('push: true fails, naming each rule and a rule that always applies', () => {
    const error = failure(BRANCH_ONLY, pullRequest());
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toMatch(/^No tags planned for refs\/pull\/7\/merge/);
    expect(error.hint).toContain('type=sha,format=long');
    expect(error.code).toBe('NoTags');
  });
});

describe('prepareJob masks secrets before parsing them', () => {
  it('a malformed line (a token pasted without id=) is masked, though parsing fails', () => {
    const runner = recordingRunner({ secrets: 'ok=first-value\nghp_ab/CD+ef0123==' }, githubEnv());
    expect(() => prepareJob(runner, DEPS)).toThrow(ValidationError);
    expect(runner.masked).toContain('ghp_ab/CD+ef0123==');
    expect(runner.masked).toContain('ok=first-value');
  });

  it('every line of a quoted multi-line value is masked, and the value itself', () => {
    const pem = '-----BEGIN KEY-----\nMIIEsecretline\n-----END KEY-----';
    const { runner } = jobOf({ secrets: `"key=${pem}"` });
    for (const text of [pem, '-----BEGIN KEY-----', 'MIIEsecretline', '-----END KEY-----'])
      expect(runner.masked).toContain(text);
    // A line of quotes alone is never a mask: it would hide every quote in the log.
    expect(runner.masked.filter((m) => /^"*$/.test(m))).toEqual([]);
  });

  it('secret-envs values are masked', () => {
    const { job, runner } = jobOf(
      { 'secret-envs': 'gh=GH_TOKEN' },
      githubEnv({ GH_TOKEN: 'env-secret-value' }),
    );
    expect(job.inputs.build.secretEnvs).toEqual([{ key: 'gh', value: 'GH_TOKEN' }]);
    expect(runner.masked).toContain('env-secret-value');
  });
});

describe('prepareJob: the default repository', () => {
  it.each<[string, string | undefined]>([
    ['acme/App', 'app'],
    ['acme/.github', undefined],
    ['acme/-x', undefined],
  ])('GITHUB_REPOSITORY %s', (repository, expected) => {
    const env = githubEnv({ GITHUB_REPOSITORY: repository });
    if (expected) {
      expect(jobOf({}, env).job.repository).toBe(expected);
      return;
    }
    const error = failure({}, env) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.input).toBe('repository');
    expect(error.hint).toContain(`defaulted from GITHUB_REPOSITORY ("${repository}")`);
  });
});
