/**
 * build-push-action's inputs through the bundled action on the real engines: build-contexts,
 * secret-envs, ssh (a real ssh-agent with a throwaway key) and call: check. RUN steps use
 * `network: none` (the stack's engines have no bridge) and busybox copied into a scratch stage.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from './contexts.js';
import { allOutput, runAction } from './harness.js';
import { baseInputs, registryDigest, stackEnv, stackEnvOn, uniqueRepo } from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const BUSYBOX = ['FROM scratch', 'COPY busybox /bin/busybox'];

/** A context whose Dockerfile is busybox plus `lines`. */
function contextWith(lines: string[]): string {
  const dir = makeContext();
  writeFileSync(join(dir, 'Dockerfile'), `${[...BUSYBOX, ...lines].join('\n')}\n`);
  return dir;
}

const sh = (script: string) => JSON.stringify(['/bin/busybox', 'sh', '-c', script]);

describe('build-contexts', () => {
  it('a named context is what COPY --from reads (containerd engine: BuildKit with named contexts)', async () => {
    const repo = uniqueRepo('bctx');
    const extra = mkdtempSync(join(tmpdir(), 'ebp-extra-'));
    writeFileSync(join(extra, 'from-extra.txt'), 'named context\n');
    const context = contextWith(['COPY --from=extra /from-extra.txt /from-extra.txt']);
    const run = await runAction({
      inputs: { ...baseInputs(repo, context), 'build-contexts': `extra=${extra}` },
      env: stackEnvOn('containerd'),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(allOutput(run)).toContain(`--build-context extra=${extra}`);
    expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);

    // Without the input the stage `extra` does not exist: the same Dockerfile fails.
    const without = await runAction({
      inputs: baseInputs(uniqueRepo('bctx'), context),
      env: stackEnvOn('containerd'),
    });
    expect(without.main.code).not.toBe(0);
  });
});

describe('secret-envs', () => {
  it("the step's variable becomes the build secret; its value is never in the log, argv or outputs", async () => {
    const repo = uniqueRepo('senv');
    const value = `s3cr3t-${Date.now()}`;
    const hash = createHash('sha256').update(value).digest('hex');
    const context = contextWith([
      `RUN --mount=type=secret,id=npm ${sh(`test "$(/bin/busybox sha256sum /run/secrets/npm | /bin/busybox cut -c1-64)" = ${hash}`)}`,
    ]);
    const run = await runAction({
      inputs: { ...baseInputs(repo, context), 'secret-envs': 'npm=NPM_TOKEN', network: 'none' },
      env: { ...stackEnv(), NPM_TOKEN: value },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);
    // `::add-mask::` lines are consumed by the runner (that is how it learns what to hide), never shown.
    const shown = allOutput(run)
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(shown).not.toContain(value);
    expect(allOutput(run)).toContain(`::add-mask::${value}`);
    expect(JSON.stringify(run.outputs)).not.toContain(value);
    expect(run.summary).not.toContain(value);
    // The secret reaches buildx as a file in the job's private directory, gone after the post step.
    expect(allOutput(run)).toMatch(/--secret id=npm,src=\S+/);

    const unset = await runAction({
      inputs: { ...baseInputs(uniqueRepo('senv'), context), 'secret-envs': 'npm=NPM_TOKEN', network: 'none' },
      env: stackEnv(),
    });
    expect(unset.main.code).not.toBe(0);
    expect(allOutput(unset)).toMatch(/NPM_TOKEN is not\b/);
  });
});

describe('ssh', () => {
  let agent: { sock: string; pid: string; dir: string };

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'ebp-ssh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ebp-e2e', '-f', join(dir, 'key')]);
    const out = execFileSync('ssh-agent', ['-s', '-a', join(dir, 'agent.sock')], { encoding: 'utf8' });
    const pid = /SSH_AGENT_PID=(\d+)/.exec(out)![1]!;
    agent = { sock: join(dir, 'agent.sock'), pid, dir };
    execFileSync('ssh-add', [join(dir, 'key')], {
      env: { ...process.env, SSH_AUTH_SOCK: agent.sock },
      stdio: 'ignore',
    });
  });

  afterAll(() => {
    if (agent) {
      spawnSync('kill', [agent.pid]);
      rmSync(agent.dir, { recursive: true, force: true });
    }
  });

  it('ssh: default forwards the runner’s agent to RUN --mount=type=ssh', async () => {
    const repo = uniqueRepo('ssh');
    const context = contextWith([`RUN --mount=type=ssh,required=true ${sh('test -S "$SSH_AUTH_SOCK"')}`]);
    const run = await runAction({
      inputs: { ...baseInputs(repo, context), ssh: 'default', network: 'none' },
      env: { ...stackEnv(), SSH_AUTH_SOCK: agent.sock },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(allOutput(run)).toContain('--ssh default');
    expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);

    // Without `ssh` the build has no agent to mount: BuildKit refuses the step (not from cache).
    const without = await runAction({
      inputs: { ...baseInputs(uniqueRepo('ssh'), context), network: 'none', 'no-cache': 'true' },
      env: { ...stackEnv(), SSH_AUTH_SOCK: agent.sock },
    });
    expect(without.main.code).not.toBe(0);
  });
});

describe('call: check', () => {
  it('evaluates without pushing; on buildx older than 0.15 (no --call) the failure says so', async () => {
    const repo = uniqueRepo('check');
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), call: 'check' },
      env: stackEnv(),
    });
    const version = execFileSync('docker', ['buildx', 'version'], { encoding: 'utf8' });
    const [major = 0, minor = 0] = (/v?(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
    if (major === 0 && minor < 15) {
      expect(run.main.code).not.toBe(0);
      expect(allOutput(run)).toContain('`call` needs docker buildx 0.15 or newer');
    } else {
      expect(run.main.code, allOutput(run)).toBe(0);
    }
    // Either way nothing was pushed.
    expect(run.outputs.pushed ?? 'false').toBe('false');
    expect(await registryDigest(repo, SHA)).toBeUndefined();
  });
});
