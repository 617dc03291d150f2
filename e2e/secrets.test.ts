import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, filesUnder, registryPassword, stackEnv, uniqueRepo } from './support.js';

/** Every form a secret could leak in. */
function forms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
}

describe('secrets never leak', () => {
  it('with step debug on, no byte the action wrote holds a secret (raw, base64 or URL-encoded)', async () => {
    await client.reset();
    const buildSecret = 'build-secret-value-6f1e2d';
    const repo = uniqueRepo('leak');
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), secrets: `npm_token=${buildSecret}` },
      env: { ...stackEnv(), ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    });
    expect(run.main.code, allOutput(run)).toBe(0);

    const issued = await client.issuedSecrets();
    const password = registryPassword();
    const secrets = [
      ...issued.idTokens,
      ...issued.credentials,
      password,
      Buffer.from(`AWS:${password}`).toString('base64'),
      stackEnv().ACTIONS_ID_TOKEN_REQUEST_TOKEN!,
      buildSecret,
    ];
    expect(issued.idTokens.length).toBeGreaterThan(0);
    expect(issued.credentials.length).toBeGreaterThanOrEqual(3);

    // stdout/stderr of both steps, the file-command files, and whatever is left under RUNNER_TEMP.
    // `::add-mask::` commands are consumed by the runner (that is how it learns what to hide) and never shown.
    const shown = allOutput(run)
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    const written = [
      shown,
      ...['output', 'state', 'env', 'summary'].map((f) => readFileSync(join(run.files, f), 'utf8')),
      ...filesUnder(run.runnerTemp).map((f) => readFileSync(f, 'latin1')),
    ].join('\n');
    expect(written.length).toBeGreaterThan(1000);
    const hits = secrets.flatMap((s) =>
      forms(s)
        .filter((f) => written.includes(f))
        .map((f) => f.slice(0, 12)),
    );
    expect(hits).toEqual([]);
    // The masking commands themselves go to the runner, which is how it hides them.
    expect(run.main.stdout).toContain('::add-mask::');
  });

  it('inputs reach docker literally: no shell ever sees them', async () => {
    const hostile = [
      'a;touch /tmp/ebp-pwned',
      '$(touch /tmp/ebp-pwned)',
      '`touch /tmp/ebp-pwned`',
      `quote'"mix`,
      'two\\nlines',
    ];
    const run = await runAction({
      inputs: {
        ...baseInputs(uniqueRepo('literal'), makeContext()),
        'build-args': hostile.map((v, i) => `ARG${i}=${v}`).join('\n'),
        labels: hostile.map((v, i) => `x.label${i}=${v}`).join('\n'),
      },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    const inspect = spawnSync(
      'docker',
      ['image', 'inspect', '--format', '{{json .Config.Labels}}', run.outputs.tags!.split('\n')[0]!],
      {
        encoding: 'utf8',
      },
    );
    const labels = JSON.parse(inspect.stdout) as Record<string, string>;
    hostile.forEach((v, i) => expect(labels[`x.label${i}`]).toBe(v));
    expect(existsSync('/tmp/ebp-pwned')).toBe(false);
  });

  it('a tag or repository with shell syntax is rejected before anything runs', async () => {
    const run = await runAction({
      inputs: { ...baseInputs('bad;repo', makeContext()), tags: 'type=raw,value=$(id)' },
      env: stackEnv(),
    });
    expect(run.main.code).toBe(1);
    expect(allOutput(run)).toMatch(/Input 'repository' is invalid: got "bad;repo"/);
  });
});
