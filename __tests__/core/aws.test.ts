import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSessionName, planCredentials, type CredentialPlan } from '../../src/plan/credentials.js';
import { missingOidcError, fetchIdToken, hasOidc } from '../../src/aws/oidc.js';
import { parseEcrHost, resolveTarget, type RegistryTarget } from '../../src/aws/registry-host.js';
import { AuthError } from '../../src/errors.js';
import type { AuthInputs } from '../../src/inputs/types.js';
import { classifyError } from '../../src/retry.js';
import { runContext } from './helpers.js';

describe('aws/registry-host', () => {
  describe('parseEcrHost', () => {
    const rows: [string, string, { account: string; region: string } | undefined][] = [
      [
        'standard',
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        { account: '123456789012', region: 'eu-west-1' },
      ],
      [
        'standard, upper case',
        '123456789012.DKR.ECR.US-EAST-2.AMAZONAWS.COM',
        { account: '123456789012', region: 'us-east-2' },
      ],
      [
        'three-part region',
        '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com',
        { account: '123456789012', region: 'ap-southeast-2' },
      ],
      [
        'FIPS',
        '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com',
        { account: '123456789012', region: 'us-east-1' },
      ],
      [
        'FIPS GovCloud',
        '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
        { account: '123456789012', region: 'us-gov-west-1' },
      ],
      [
        'China',
        '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
        { account: '123456789012', region: 'cn-north-1' },
      ],
      [
        'China Ningxia',
        '123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn',
        { account: '123456789012', region: 'cn-northwest-1' },
      ],
      [
        'dual-stack',
        '123456789012.dkr-ecr.eu-west-1.on.aws',
        { account: '123456789012', region: 'eu-west-1' },
      ],
      [
        'dual-stack FIPS',
        '123456789012.dkr-ecr-fips.us-east-1.on.aws',
        { account: '123456789012', region: 'us-east-1' },
      ],
      [
        'ISO partition',
        '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov',
        { account: '123456789012', region: 'us-iso-east-1' },
      ],
      [
        'ISO-B partition',
        '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
        { account: '123456789012', region: 'us-isob-east-1' },
      ],
      ['dkr.ecr on the dual-stack domain', '123456789012.dkr.ecr.eu-west-1.on.aws', undefined],
      ['dkr-ecr on the IPv4 domain', '123456789012.dkr-ecr.eu-west-1.amazonaws.com', undefined],
      ['region label that is no region', '123456789012.dkr.ecr.europe.amazonaws.com', undefined],
      ['11-digit account', '12345678901.dkr.ecr.eu-west-1.amazonaws.com', undefined],
      ['13-digit account', '1234567890123.dkr.ecr.eu-west-1.amazonaws.com', undefined],
      ['ECR Public', 'public.ecr.aws', undefined],
      ['Docker Hub', 'registry-1.docker.io', undefined],
      ['suffix appended', '123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example', undefined],
      ['with a path', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app', undefined],
      ['with a scheme', 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', undefined],
      ['region without number', '123456789012.dkr.ecr.eu-west.amazonaws.com', undefined],
      ['not dkr', '123456789012.api.ecr.eu-west-1.amazonaws.com', undefined],
      ['empty', '', undefined],
    ];
    it.each(rows)('%s: %s', (_name, host, expected) => {
      expect(parseEcrHost(host)).toEqual(expected);
    });
  });

  describe('resolveTarget', () => {
    const CALLER = '111122223333';
    const rows: [string, string | undefined, string, Omit<RegistryTarget, 'repository'>][] = [
      [
        'nothing: the caller account in the region',
        undefined,
        'eu-west-1',
        {
          kind: 'private',
          host: '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
          account: CALLER,
          region: 'eu-west-1',
          uri: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app',
        },
      ],
      [
        'blank: the caller account',
        '   ',
        'us-east-1',
        {
          kind: 'private',
          host: '111122223333.dkr.ecr.us-east-1.amazonaws.com',
          account: CALLER,
          region: 'us-east-1',
          uri: '111122223333.dkr.ecr.us-east-1.amazonaws.com/my-app',
        },
      ],
      [
        'account id (trimmed)',
        ' 210987654321 ',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr.eu-west-1.amazonaws.com',
          account: '210987654321',
          region: 'eu-west-1',
          uri: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/my-app',
        },
      ],
      [
        'account id in a China region',
        '210987654321',
        'cn-north-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn',
          account: '210987654321',
          region: 'cn-north-1',
          uri: '210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/my-app',
        },
      ],
      [
        'host: its own account and region win',
        '210987654321.dkr.ecr.us-west-2.amazonaws.com',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr.us-west-2.amazonaws.com',
          account: '210987654321',
          region: 'us-west-2',
          uri: '210987654321.dkr.ecr.us-west-2.amazonaws.com/my-app',
        },
      ],
      [
        'FIPS host kept as written (lower-cased)',
        '210987654321.DKR.ECR-FIPS.US-EAST-1.AMAZONAWS.COM',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr-fips.us-east-1.amazonaws.com',
          account: '210987654321',
          region: 'us-east-1',
          uri: '210987654321.dkr.ecr-fips.us-east-1.amazonaws.com/my-app',
        },
      ],
      [
        'dual-stack host',
        '210987654321.dkr-ecr.eu-central-1.on.aws',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr-ecr.eu-central-1.on.aws',
          account: '210987654321',
          region: 'eu-central-1',
          uri: '210987654321.dkr-ecr.eu-central-1.on.aws/my-app',
        },
      ],
      [
        'ECR Public alias: us-east-1, no account',
        'public.ecr.aws/acme',
        'eu-west-1',
        {
          kind: 'public',
          host: 'public.ecr.aws',
          alias: 'acme',
          region: 'us-east-1',
          uri: 'public.ecr.aws/acme/my-app',
        },
      ],
    ];
    it.each(rows)('%s', (_name, registry, region, expected) => {
      expect(resolveTarget(registry, 'my-app', region, CALLER)).toEqual({
        ...expected,
        repository: 'my-app',
      });
    });
  });
});

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

describe('aws/oidc', () => {
  /**
   * A stand-in for the runner's token service. The path picks the answer:
   * /ok answers like GitHub when the bearer is right, /status/N answers N, /empty answers {}.
   */
  const BEARER = 'runtime-request-token';
  const seen: { url: URL; authorization?: string }[] = [];
  let server: Server;
  let base: string;

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ url, authorization: req.headers.authorization });
    const status = /^\/status\/(\d+)$/.exec(url.pathname);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'application/json' });
      res.end('{"message":"nope"}');
      return;
    }
    if (url.pathname === '/empty') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    if (req.headers.authorization !== `Bearer ${BEARER}`) {
      res.writeHead(401);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: `jwt-for-${url.searchParams.get('audience')}` }));
  }

  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function env(path: string, bearer = BEARER): NodeJS.ProcessEnv {
    return { ACTIONS_ID_TOKEN_REQUEST_URL: `${base}${path}`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer };
  }

  async function failure(promise: Promise<unknown>): Promise<AuthError & { retryable?: boolean }> {
    try {
      await promise;
    } catch (error) {
      return error as AuthError & { retryable?: boolean };
    }
    throw new Error('expected a rejection');
  }

  describe('fetchIdToken', () => {
    it('sends the bearer and the audience, keeps the existing query, returns the value', async () => {
      seen.length = 0;
      const token = await fetchIdToken(env('/ok?api-version=2.0'), 'sts.amazonaws.com');
      expect(token).toBe('jwt-for-sts.amazonaws.com');
      expect(seen).toHaveLength(1);
      expect(seen[0]!.authorization).toBe(`Bearer ${BEARER}`);
      expect(seen[0]!.url.searchParams.get('audience')).toBe('sts.amazonaws.com');
      expect(seen[0]!.url.searchParams.get('api-version')).toBe('2.0');
    });

    it('replaces an audience already in the URL', async () => {
      seen.length = 0;
      const token = await fetchIdToken(env('/ok?audience=wrong'), 'custom');
      expect(token).toBe('jwt-for-custom');
      expect(seen[0]!.url.searchParams.getAll('audience')).toEqual(['custom']);
    });

    // status → retryable, hint names id-token: write
    const rows: [number, boolean, boolean][] = [
      [500, true, false],
      [502, true, false],
      [503, true, false],
      [429, true, false],
      [408, true, false],
      [401, false, true],
      [403, false, true],
      [404, false, false],
      [400, false, false],
    ];
    it.each(rows)('HTTP %i → retryable %s, permission hint %s', async (status, retryable, permissionHint) => {
      const err = await failure(fetchIdToken(env(`/status/${status}`), 'sts.amazonaws.com'));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('OidcRequestFailed');
      expect(err.message).toContain(`HTTP ${status}`);
      expect(err.retryable).toBe(retryable);
      expect(classifyError(err).retryable).toBe(retryable);
      if (permissionHint) expect(err.hint).toContain('id-token: write');
      else expect(err.hint ?? '').not.toContain('id-token: write');
    });

    it('a wrong bearer gets 401 and the permission hint', async () => {
      const err = await failure(fetchIdToken(env('/ok', 'stale'), 'sts.amazonaws.com'));
      expect(err.message).toContain('HTTP 401');
      expect(err.hint).toContain('id-token: write');
    });

    it('an answer without a value is an error', async () => {
      const err = await failure(fetchIdToken(env('/empty'), 'sts.amazonaws.com'));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('OidcEmptyToken');
    });

    it('without the request variables: the missing-permission error, no request made', async () => {
      seen.length = 0;
      const err = await failure(fetchIdToken({}, 'sts.amazonaws.com'));
      expect(err.code).toBe('OidcUnavailable');
      expect(err.hint).toContain('id-token: write');
      expect(seen).toHaveLength(0);
    });
  });

  describe('hasOidc', () => {
    const rows: [NodeJS.ProcessEnv, boolean][] = [
      [{ ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }, true],
      [{ ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' }, false],
      [{ ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }, false],
      [{ ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }, false],
      [{}, false],
    ];
    it.each(rows)('%j → %s', (env, expected) => {
      expect(hasOidc(env)).toBe(expected);
    });
  });
});
