import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { baseInputs, client, filesUnder, registryDigest, stackEnv, uniqueRepo } from './support.js';

const SESSION_SECONDS = 4;

/** A context whose build takes longer than the session lasts (a unique layer, then a sleep; `network: none` because the stack's engines have no bridge). */
function slowContext(seconds: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-slow-'));
  copyFileSync('/bin/busybox', join(dir, 'busybox'));
  writeFileSync(join(dir, 'marker'), randomBytes(8).toString('hex'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM scratch\nCOPY busybox /bin/busybox\nCOPY marker /marker\nRUN ["/bin/busybox", "sleep", "${seconds}"]\n`,
  );
  return dir;
}

describe('a session that expires during the build', () => {
  it('is renewed (fresh OIDC token, the role assumed again) and the run succeeds', async () => {
    await client.reset();
    await client.setFaults([
      { target: 'sts:session', count: 10, kind: 'session', sessionSeconds: SESSION_SECONDS },
    ]);
    const repo = uniqueRepo('long');
    const run = await runAction({
      inputs: {
        ...baseInputs(repo, slowContext(SESSION_SECONDS + 3)),
        tags: 'type=raw,value=v1',
        network: 'none',
      },
      env: stackEnv(),
    });
    const out = allOutput(run);
    expect(run.main.code, out).toBe(0);
    expect(out).toMatch(/is about to expire: assuming the role again with a fresh OIDC token/);
    expect(await registryDigest(repo, 'v1')).toBe(run.outputs.digest);
    const log = await client.getLog();
    const assumed = log.filter((r) => r.operation === 'AssumeRoleWithWebIdentity');
    expect(assumed.length).toBeGreaterThanOrEqual(2);
    // Every ECR call was signed with live credentials: none was refused (but for the answers
    // "no such repository yet" before it is created: DescribeRepositories, and the tag look-up
    // sent beside it).
    const created = log.findIndex((r) => r.operation === 'CreateRepository');
    expect(created).toBeGreaterThan(0);
    expect(
      log.filter(
        (r, i) =>
          r.service === 'ecr' &&
          r.status >= 400 &&
          !(i < created && ['DescribeRepositories', 'BatchGetImage'].includes(r.operation)),
      ),
    ).toEqual([]);
    expect(filesUnder(run.runnerTemp)).toEqual([]);
  });
});
