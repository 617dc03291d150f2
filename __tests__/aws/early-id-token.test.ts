/**
 * aws/early-id-token: when the entry may ask for the job's OIDC token before the step loads, the
 * request itself (against a local stand-in for the token service), and when the credentials phase
 * may take its answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  earlyAudience,
  matchingEarlyToken,
  requestIdTokenEarly,
  SEND_WAIT_MS,
  type EarlyIdToken,
} from '../../src/aws/early-id-token.js';
import { AuthError } from '../../src/errors.js';

/** When set, fetchIdToken never settles and never reports the request out (a black hole). */
const blackHole = vi.hoisted(() => ({ on: false, calls: 0, onSent: undefined as (() => void) | undefined }));
vi.mock('../../src/aws/oidc.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/aws/oidc.js')>();
  return {
    ...actual,
    fetchIdToken: (...args: Parameters<typeof actual.fetchIdToken>) => {
      blackHole.calls++;
      blackHole.onSent = args[2];
      return blackHole.on ? new Promise<string>(() => {}) : actual.fetchIdToken(...args);
    },
  };
});

type Env = Record<string, string | undefined>;

const OIDC: Env = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
  'INPUT_ROLE-TO-ASSUME': 'arn:aws:iam::123456789012:role/ci',
};

describe('earlyAudience', () => {
  // [case, environment, audience]
  const rows: [string, Env, string | undefined][] = [
    ['a role and OIDC, no audience input: the default', OIDC, 'sts.amazonaws.com'],
    ['an empty audience input: the default', { ...OIDC, INPUT_AUDIENCE: '' }, 'sts.amazonaws.com'],
    ['a blank audience input: the default', { ...OIDC, INPUT_AUDIENCE: '   ' }, 'sts.amazonaws.com'],
    ['no OIDC variables', { 'INPUT_ROLE-TO-ASSUME': 'arn:aws:iam::1:role/r' }, undefined],
    ['no request URL', { ...OIDC, ACTIONS_ID_TOKEN_REQUEST_URL: undefined }, undefined],
    ['an empty request URL', { ...OIDC, ACTIONS_ID_TOKEN_REQUEST_URL: '' }, undefined],
    ['no request token', { ...OIDC, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }, undefined],
    ['no role-to-assume', { ...OIDC, 'INPUT_ROLE-TO-ASSUME': undefined }, undefined],
    ['an empty role-to-assume', { ...OIDC, 'INPUT_ROLE-TO-ASSUME': '' }, undefined],
    ['a blank role-to-assume', { ...OIDC, 'INPUT_ROLE-TO-ASSUME': ' \n ' }, undefined],
    ['role-chaining true', { ...OIDC, 'INPUT_ROLE-CHAINING': 'true' }, undefined],
    ['role-chaining TRUE', { ...OIDC, 'INPUT_ROLE-CHAINING': 'TRUE' }, undefined],
    ['role-chaining " true "', { ...OIDC, 'INPUT_ROLE-CHAINING': ' true ' }, undefined],
    ['role-chaining false', { ...OIDC, 'INPUT_ROLE-CHAINING': 'false' }, 'sts.amazonaws.com'],
    ['https_proxy set', { ...OIDC, https_proxy: 'http://proxy:3128' }, undefined],
    ['HTTPS_PROXY set', { ...OIDC, HTTPS_PROXY: 'http://proxy:3128' }, undefined],
    ['http_proxy set', { ...OIDC, http_proxy: 'http://proxy:3128' }, undefined],
    ['HTTP_PROXY set', { ...OIDC, HTTP_PROXY: 'http://proxy:3128' }, undefined],
    ['the http-proxy input set', { ...OIDC, 'INPUT_HTTP-PROXY': 'proxy:3128' }, undefined],
    ['a blank proxy variable is no proxy', { ...OIDC, HTTPS_PROXY: '  ' }, 'sts.amazonaws.com'],
    ['NO_PROXY alone is no proxy', { ...OIDC, NO_PROXY: '*' }, 'sts.amazonaws.com'],
    [
      'a malformed proxy waits for the credentials phase to report it',
      { ...OIDC, HTTPS_PROXY: 'socks5://proxy:1080' },
      undefined,
    ],
    ['a custom audience', { ...OIDC, INPUT_AUDIENCE: 'my-audience' }, 'my-audience'],
    [
      'a custom audience, trimmed',
      { ...OIDC, INPUT_AUDIENCE: '  api://AzureADTokenExchange \n' },
      'api://AzureADTokenExchange',
    ],
    [
      'a URL audience',
      { ...OIDC, INPUT_AUDIENCE: 'https://example.com/aud-1_x' },
      'https://example.com/aud-1_x',
    ],
    ['an audience with a space', { ...OIDC, INPUT_AUDIENCE: 'two words' }, undefined],
    ['an audience with a newline inside', { ...OIDC, INPUT_AUDIENCE: 'one\ntwo' }, undefined],
    ['an audience with a quote', { ...OIDC, INPUT_AUDIENCE: 'aud"ience' }, undefined],
    ['an audience with a query', { ...OIDC, INPUT_AUDIENCE: 'aud?x=1&y' }, undefined],
    ['an audience of 256 characters', { ...OIDC, INPUT_AUDIENCE: 'a'.repeat(256) }, 'a'.repeat(256)],
    ['an audience of 257 characters', { ...OIDC, INPUT_AUDIENCE: 'a'.repeat(257) }, undefined],
  ];
  it.each(rows.map(([name, env, audience]) => [name, audience, env] as const))(
    '%s → %j',
    (_name, audience, env) => {
      expect(earlyAudience(env)).toBe(audience);
    },
  );
});

describe('requestIdTokenEarly', () => {
  const BEARER = 'runtime-request-token';
  /** The requests the token service saw. */
  const seen: { path: string; audience: string | null; authorization?: string }[] = [];
  const held: ServerResponse[] = [];
  let server: Server;
  let base = '';

  /** /token answers a token, /fail answers 500, /slow answers after 300 ms, /never does not. */
  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({
      path: url.pathname,
      audience: url.searchParams.get('audience'),
      authorization: req.headers.authorization,
    });
    const ok = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"value":"tok"}');
    };
    if (url.pathname === '/token') ok();
    else if (url.pathname === '/slow') setTimeout(ok, 300);
    else if (url.pathname === '/never') held.push(res);
    else {
      res.writeHead(500);
      res.end('{"message":"boom"}');
    }
  }

  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    seen.length = 0;
    blackHole.on = false;
    blackHole.calls = 0;
    blackHole.onSent = undefined;
    for (const res of held.splice(0)) res.destroy();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function env(path: string, extra: Env = {}): Env {
    return {
      'INPUT_ROLE-TO-ASSUME': 'arn:aws:iam::123456789012:role/ci',
      ACTIONS_ID_TOKEN_REQUEST_URL: `${base}${path}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: BEARER,
      ...extra,
    };
  }

  /** Resolves to 'pending' when `promise` has not settled within `ms`. */
  function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
    return Promise.race([
      promise,
      new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
    ]);
  }

  // [case, extra environment]
  const skipped: [string, Env][] = [
    ['role chaining', { 'INPUT_ROLE-CHAINING': 'true' }],
    ['a proxy', { HTTPS_PROXY: 'http://127.0.0.1:9' }],
    ['an audience that is not plain', { INPUT_AUDIENCE: 'a b' }],
    ['no role', { 'INPUT_ROLE-TO-ASSUME': '' }],
    ['no request token', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }],
  ];
  it.each(skipped)('%s: nothing is asked for', async (_name, extra) => {
    expect(requestIdTokenEarly(env('/token', extra))).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(blackHole.calls).toBe(0);
    expect(seen).toHaveLength(0);
  });

  // [case, audience input, audience asked for]
  const asked: [string, string | undefined, string][] = [
    ['the default audience', undefined, 'sts.amazonaws.com'],
    ['a custom audience', ' my-audience ', 'my-audience'],
  ];
  it.each(asked)(
    '%s: the token, asked with the bearer; sent settles; ms once settled',
    async (_name, input, audience) => {
      const e = env('/token', { INPUT_AUDIENCE: input });
      const early = requestIdTokenEarly(e)!;
      expect(early).toBeDefined();
      expect(early.url).toBe(e.ACTIONS_ID_TOKEN_REQUEST_URL);
      expect(early.audience).toBe(audience);
      expect(early.ms).toBeUndefined();
      await expect(within(early.sent, 1000)).resolves.toBeUndefined();
      expect(await early.token).toBe('tok');
      expect(typeof early.ms).toBe('number');
      expect(early.ms).toBeGreaterThan(0);
      expect(early.ms).toBeLessThan(5000);
      expect(seen).toEqual([{ path: '/token', audience, authorization: `Bearer ${BEARER}` }]);
    },
  );

  it('a failing service: the token rejects, never unhandled, and sent still settles', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const early = requestIdTokenEarly(env('/fail'))!;
      await early.sent;
      // Nothing awaits the token yet: let it reject, and the process see it, unhandled or not.
      await vi.waitFor(() => expect(early.ms).toBeTypeOf('number'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      const error = (await early.token.catch((e: unknown) => e)) as AuthError;
      expect(error).toBeInstanceOf(AuthError);
      expect(error.code).toBe('OidcRequestFailed');
      expect(error.message).toContain('HTTP 500');
      expect(seen).toHaveLength(1);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('an unreachable service: the token rejects retryable, sent settles', async () => {
    const early = requestIdTokenEarly({
      ...env('/token'),
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token',
    })!;
    await expect(within(early.sent, 1000)).resolves.toBeUndefined();
    const error = (await early.token.catch((e: unknown) => e)) as AuthError & { retryable?: boolean };
    expect(error.code).toBe('OidcUnreachable');
    expect(error.retryable).toBe(true);
  });

  it.each(['/slow', '/never'])(
    'a service slow to answer (%s): sent settles once the request is out, the token later',
    async (path) => {
      const early = requestIdTokenEarly(env(path))!;
      await early.sent;
      expect(await within(early.token, 100)).toBe('pending');
      expect(early.ms).toBeUndefined();
      await vi.waitFor(() => expect(seen).toHaveLength(1));
      if (path === '/slow') expect(await early.token).toBe('tok');
    },
  );

  it(`a request that is never out: sent settles after SEND_WAIT_MS (${SEND_WAIT_MS} ms) all the same`, async () => {
    blackHole.on = true;
    const started = performance.now();
    const early = requestIdTokenEarly(env('/token'))!;
    expect(blackHole.calls).toBe(1);
    expect(await within(early.sent, 5000)).toBeUndefined();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(SEND_WAIT_MS - 2);
    expect(await within(early.token, 20)).toBe('pending');
    expect(early.ms).toBeUndefined();
  });

  it('the request reported out (onSent) settles sent at once, before SEND_WAIT_MS', async () => {
    blackHole.on = true;
    const early = requestIdTokenEarly(env('/token'))!;
    expect(blackHole.onSent).toBeTypeOf('function');
    expect(await within(early.sent, 1)).toBe('pending');
    blackHole.onSent!();
    expect(await within(early.sent, 1)).toBeUndefined();
  });
});

describe('matchingEarlyToken', () => {
  const URL_A = 'https://token.actions.example/token?api-version=2.0';
  const early: EarlyIdToken = {
    url: URL_A,
    audience: 'sts.amazonaws.com',
    token: Promise.resolve('tok'),
    sent: Promise.resolve(),
  };

  // [case, early token, environment, audience, matches]
  const rows: [string, EarlyIdToken | undefined, Env, string, boolean][] = [
    ['none asked early', undefined, { ACTIONS_ID_TOKEN_REQUEST_URL: URL_A }, 'sts.amazonaws.com', false],
    [
      'the same service and audience',
      early,
      { ACTIONS_ID_TOKEN_REQUEST_URL: URL_A },
      'sts.amazonaws.com',
      true,
    ],
    ['another audience', early, { ACTIONS_ID_TOKEN_REQUEST_URL: URL_A }, 'my-audience', false],
    [
      'an audience that differs in case',
      early,
      { ACTIONS_ID_TOKEN_REQUEST_URL: URL_A },
      'STS.amazonaws.com',
      false,
    ],
    ['another URL', early, { ACTIONS_ID_TOKEN_REQUEST_URL: `${URL_A}&x=1` }, 'sts.amazonaws.com', false],
    ['no URL any more', early, {}, 'sts.amazonaws.com', false],
  ];
  it.each(
    rows.map(([name, given, env, audience, matches]) => [name, matches, given, env, audience] as const),
  )('%s → matches: %s', (_name, matches, given, env, audience) => {
    expect(matchingEarlyToken(given, env, audience)).toBe(matches ? given : undefined);
  });
});
