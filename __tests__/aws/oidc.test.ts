import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchIdToken, hasOidc, readTokenFile } from '../../src/aws/oidc.js';
import { AuthError } from '../../src/errors.js';
import { classifyError } from '../../src/retry.js';

const dir = mkdtempSync(join(tmpdir(), 'oidc-'));

describe('readTokenFile (AWS_WEB_IDENTITY_TOKEN_FILE)', () => {
  it('reads and trims the token', async () => {
    writeFileSync(join(dir, 'token'), 'eyJ.a.b\n');
    expect(await readTokenFile(join(dir, 'token'))).toBe('eyJ.a.b');
  });

  it.each<[string, () => string, RegExp, RegExp]>([
    ['missing', () => join(dir, 'nope'), /ENOENT/, /id_tokens/],
    ['a directory', () => dir, /EISDIR/, /names a file/],
    [
      'empty',
      () => {
        writeFileSync(join(dir, 'empty'), '\n');
        return join(dir, 'empty');
      },
      /is empty/,
      /JWT/,
    ],
  ])('%s: an AuthError naming the variable and the fix', async (_, path, message, hint) => {
    const error = (await readTokenFile(path()).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });

  it('unreadable (not for root, who reads anything)', async () => {
    const path = join(dir, 'secret');
    writeFileSync(path, 'x');
    chmodSync(path, 0);
    const result = await readTokenFile(path).catch((e: unknown) => e);
    if (process.getuid?.() === 0) expect(result).toBe('x');
    else expect((result as AuthError).message).toMatch(/EACCES/);
  });
});

describe('fetchIdToken', () => {
  it('an unreachable token service is a retryable AuthError naming the host', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createTcpServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    await new Promise((done) => server.close(done));
    const error = (await fetchIdToken(
      { ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
      'sts.amazonaws.com',
    ).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(`Could not reach the OIDC token service at 127.0.0.1:${port}: ECONNREFUSED.`);
    expect(classifyError(error).retryable).toBe(true);
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
