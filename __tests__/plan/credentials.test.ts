import { describe, expect, it } from 'vitest';
import { defaultSessionName, planCredentials, type CredentialPlan } from '../../src/plan/credentials.js';
import { missingOidcError } from '../../src/aws/oidc.js';
import { AuthError } from '../../src/errors.js';
import type { AuthInputs } from '../../src/inputs/types.js';
import { runContext } from '../support/helpers.js';

describe('aws/credential-plan', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/gha-ecr-push';
  const OIDC = {
    ACTIONS_ID_TOKEN_REQUEST_URL:
      'https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
  };
  const TOKEN_FILE = { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token' };
  const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

  function auth(overrides: Partial<AuthInputs> = {}): AuthInputs {
    return {
      roleToAssume: ROLE,
      audience: 'sts.amazonaws.com',
      roleDurationSeconds: 3600,
      exportCredentials: false,
      roleChaining: false,
      allowedAccountIds: [],
      maskAccountId: false,
      managedSessionPolicies: [],
      ...overrides,
    };
  }

  type Expected = CredentialPlan['source'] | 'error';

  describe('planCredentials decision table', () => {
    // role set × OIDC vars × act × AWS env credentials × AWS_WEB_IDENTITY_TOKEN_FILE → source
    const rows: [string, boolean, NodeJS.ProcessEnv, boolean, Expected, string | undefined][] = [
      // [name, role set, env, act, source, tokenFile]
      ['no role, nothing', false, {}, false, 'default-chain', undefined],
      ['no role, OIDC present', false, { ...OIDC }, false, 'default-chain', undefined],
      ['no role, env keys', false, { ...KEYS }, false, 'default-chain', undefined],
      ['no role, act', false, {}, true, 'default-chain', undefined],
      ['no role, token file', false, { ...TOKEN_FILE }, false, 'default-chain', undefined],
      ['role + OIDC', true, { ...OIDC }, false, 'web-identity', undefined],
      ['role + OIDC + env keys: OIDC wins', true, { ...OIDC, ...KEYS }, false, 'web-identity', undefined],
      [
        'role + OIDC + token file: OIDC wins, no file',
        true,
        { ...OIDC, ...TOKEN_FILE },
        false,
        'web-identity',
        undefined,
      ],
      ['role + OIDC under act', true, { ...OIDC }, true, 'web-identity', undefined],
      [
        'role + token file (GitLab id_tokens, EKS)',
        true,
        { ...TOKEN_FILE },
        false,
        'web-identity',
        '/var/run/secrets/token',
      ],
      [
        'role + token file under act',
        true,
        { ...TOKEN_FILE },
        true,
        'web-identity',
        '/var/run/secrets/token',
      ],
      ['role, act, access keys', true, { ...KEYS }, true, 'default-chain', undefined],
      ['role, act, AWS_PROFILE', true, { AWS_PROFILE: 'dev' }, true, 'default-chain', undefined],
      [
        'role, act, container credentials',
        true,
        { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/creds' },
        true,
        'default-chain',
        undefined,
      ],
      ['role, act, nothing', true, {}, true, 'none', undefined],
      ['role, act, only a region', true, { AWS_REGION: 'eu-west-1' }, true, 'none', undefined],
      ['role, no OIDC, not act', true, {}, false, 'error', undefined],
      // role-chaining (configure-aws-credentials): the credentials there assume the role, OIDC or not
      ['role-chaining + env keys', true, { ...KEYS, CHAIN: '1' }, false, 'assume-role', undefined],
      ['role-chaining + OIDC: chaining wins', true, { ...OIDC, CHAIN: '1' }, false, 'assume-role', undefined],
      ['role-chaining under act', true, { ...KEYS, CHAIN: '1' }, true, 'assume-role', undefined],
      ['role, no OIDC, env keys outside act still fail', true, { ...KEYS }, false, 'error', undefined],
      [
        'role, only the URL half of OIDC',
        true,
        { ACTIONS_ID_TOKEN_REQUEST_URL: OIDC.ACTIONS_ID_TOKEN_REQUEST_URL },
        false,
        'error',
        undefined,
      ],
      [
        'role, only the token half of OIDC',
        true,
        { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' },
        false,
        'error',
        undefined,
      ],
    ];

    it.each(rows)('%s', (_name, roleSet, env, act, expected, tokenFile) => {
      const inputs = auth({
        ...(roleSet ? {} : { roleToAssume: undefined }),
        roleChaining: env.CHAIN === '1',
      });
      const ctx = runContext({ act });
      if (expected === 'error') {
        expect(() => planCredentials(inputs, ctx, env)).toThrow(AuthError);
        return;
      }
      const plan = planCredentials(inputs, ctx, env);
      expect(plan.source).toBe(expected);
      if (plan.source === 'web-identity') {
        expect(plan.tokenFile).toBe(tokenFile);
        expect(plan.roleArn).toBe(ROLE);
        expect(plan.audience).toBe('sts.amazonaws.com');
        expect(plan.durationSeconds).toBe(3600);
      }
    });

    it('web-identity: explicit session name, duration and audience pass through', () => {
      const plan = planCredentials(
        auth({ roleSessionName: 'release-42', roleDurationSeconds: 900, audience: 'custom-aud' }),
        runContext(),
        { ...OIDC },
      );
      expect(plan).toEqual({
        source: 'web-identity',
        tokenFile: undefined,
        roleArn: ROLE,
        sessionName: 'release-42',
        durationSeconds: 900,
        audience: 'custom-aud',
      });
    });

    it('web-identity: the default session name comes from the run', () => {
      const plan = planCredentials(
        auth(),
        runContext({ repository: 'acme/app', runId: '77', runAttempt: '2' }),
        { ...OIDC },
      );
      expect(plan).toMatchObject({ sessionName: 'GitHubActions-app-77-2' });
    });

    it('act with credentials: the note says the role is not assumed', () => {
      const plan = planCredentials(auth(), runContext({ act: true }), { ...KEYS });
      expect(plan).toMatchObject({ source: 'default-chain' });
      expect(plan.source === 'default-chain' && plan.note).toContain(ROLE);
    });

    it('act without credentials: the reason says how to pass them', () => {
      const plan = planCredentials(auth(), runContext({ act: true }), {});
      expect(plan.source).toBe('none');
      expect(plan.source === 'none' && plan.reason).toMatch(/dry run/);
      expect(plan.source === 'none' && plan.reason).toContain('act --secret AWS_ACCESS_KEY_ID=');
    });
  });

  it('an explicit dry run without OIDC plans offline instead of failing', () => {
    const plan = planCredentials(auth(), runContext(), {}, true);
    expect(plan.source).toBe('none');
    expect(plan.source === 'none' && plan.reason).toMatch(/Dry run without an OIDC token.*id-token: write/);
  });

  describe('missing OIDC error', () => {
    it('on GitHub: names permissions id-token: write and fork pull requests', () => {
      let thrown: unknown;
      try {
        planCredentials(auth(), runContext(), {});
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AuthError);
      const err = thrown as AuthError;
      expect(err.code).toBe('OidcUnavailable');
      expect(err.message).toContain('role-to-assume');
      expect(err.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
      expect(err.hint).toMatch(/permissions: \{ id-token: write/);
      expect(err.hint).toMatch(/fork/i);
      expect(err.describe()).not.toMatch(/Could not load credentials/);
    });

    it('under act: names dry-run and passing credentials, not permissions', () => {
      const err = missingOidcError({ ACT: 'true' });
      expect(err.hint).toContain('nektos/act');
      expect(err.hint).toContain('dry-run: true');
      expect(err.hint).toContain('act --secret AWS_ACCESS_KEY_ID=');
      expect(err.hint).not.toContain('id-token: write');
    });
  });

  describe('defaultSessionName', () => {
    const STS_NAME = /^[\w+=,.@-]{2,64}$/;
    const rows: [string, string, string, string, string][] = [
      ['plain', 'acme/app', '123', '1', 'GitHubActions-app-123-1'],
      ['dots, underscores, hyphens kept', 'acme/my_app.v2-x', '5', '3', 'GitHubActions-my_app.v2-x-5-3'],
      ['spaces and symbols replaced', 'acme/my app!#', '5', '1', 'GitHubActions-my-app---5-1'],
      ['unicode replaced', 'acme/äpp', '5', '1', 'GitHubActions--pp-5-1'],
      ['empty repository', '', '5', '1', 'GitHubActions-repo-5-1'],
      ['owner only with trailing slash', 'acme/', '5', '1', 'GitHubActions-repo-5-1'],
      [
        'long name capped at 64',
        `acme/${'a'.repeat(100)}`,
        '9876543210',
        '1',
        `GitHubActions-${'a'.repeat(50)}`,
      ],
    ];
    it.each(rows)('%s', (_name, repository, runId, runAttempt, expected) => {
      const name = defaultSessionName(runContext({ repository, runId, runAttempt }));
      expect(name).toBe(expected);
      expect(name).toMatch(STS_NAME);
    });
  });
});
