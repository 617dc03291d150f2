import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchIdToken, readTokenFile } from '../../src/aws/oidc.js';
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
    const server = createServer();
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
