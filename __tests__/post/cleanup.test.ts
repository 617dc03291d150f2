import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from '../../src/post/cleanup.js';
import { readPostState } from '../../src/post/state.js';
import { createJobDir, writeSecretFile } from '../../src/docker/job-dir.js';

/** A job as main leaves it: private dir with a secret and a login, a builder and a host saved. */
function job(pathDirs: string) {
  const temp = mkdtempSync(join(tmpdir(), 'cleanup-'));
  const env: NodeJS.ProcessEnv = { RUNNER_TEMP: temp, HOME: temp, PATH: pathDirs };
  process.env.PATH = pathDirs;
  const dir = createJobDir(env);
  writeSecretFile(dir, 'npm', 'secret');
  writeFileSync(join(dir.dockerConfig, 'config.json'), '{"auths":{"h":{"auth":"QVdTOnB3"}}}');
  const state: Record<string, string> = { 'job-dir': dir.root, hosts: 'h', builder: 'ecr-build-push-1' };
  return { env, dir, state: readPostState((name: string) => state[name] ?? '') };
}

/** A docker that logs its calls and exits with CODE. */
function docker(code: number): { path: string; calls: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cleanup-docker-'));
  const calls = join(dir, 'calls');
  writeFileSync(
    join(dir, 'docker'),
    `#!/bin/sh\necho "$@" >> ${calls}\necho "docker says no" >&2\nexit ${code}\n`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
  return { path: `${dir}:/usr/bin:/bin`, calls };
}

// @actions/exec finds docker on this process's PATH.
const PATH = process.env.PATH;

describe('cleanup', () => {
  afterEach(() => {
    process.env.PATH = PATH;
  });

  it('docker missing: the private dir is gone all the same, the builder is a warning', async () => {
    const { env, dir, state } = job('/nonexistent');
    const result = await cleanup(state, env);
    expect(existsSync(dir.root)).toBe(false);
    expect(result.leftBehind).toBeUndefined();
    expect(result.problems).toEqual([expect.stringMatching(/^Could not run docker/)]);
  });

  it('docker failing: the private dir is gone, no logout needed, the builder removal warns', async () => {
    const fake = docker(1);
    const { env, dir, state } = job(fake.path);
    const result = await cleanup(state, env);
    expect(existsSync(dir.root)).toBe(false);
    expect(readFileSync(fake.calls, 'utf8')).toBe('buildx rm ecr-build-push-1\n');
    expect(result.problems).toEqual(['docker buildx rm ecr-build-push-1: docker says no']);
  });

  it('docker working: no problem at all', async () => {
    const fake = docker(0);
    const { env, dir, state } = job(fake.path);
    expect(await cleanup(state, env)).toEqual({ problems: [] });
    expect(existsSync(dir.root)).toBe(false);
  });

  it('a job dir that cannot be removed fails the post step, and docker logs out of its hosts', async () => {
    const fake = docker(0);
    const { env } = job(fake.path);
    // A path under a file: rm cannot remove it, whoever runs the test (root included).
    const result = await cleanup({ jobDir: '/dev/null/job', hosts: ['h'] }, env);
    expect(result.leftBehind).toMatch(
      /^could not remove \/dev\/null\/job \(docker config and secret files\): ENOTDIR/,
    );
    expect(readFileSync(fake.calls, 'utf8')).toBe('logout h\n');
  });
});
