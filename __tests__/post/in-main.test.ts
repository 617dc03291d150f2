import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJobDir, writeSecretFile } from '../../src/docker/job-dir.js';
import { ActionError } from '../../src/errors.js';
import { cleanUpInMain, keepingState } from '../../src/post/in-main.js';
import { savePostState } from '../../src/post/state.js';
import type { Runner } from '../../src/runner/runner.js';

/** A runner that records saved state as the runner's GITHUB_STATE file would (last value wins) and warnings. */
function fakeRunner(env: NodeJS.ProcessEnv) {
  const written: [string, string][] = [];
  const warnings: string[] = [];
  const runner = {
    saveState: (name: string, value: string) => void written.push([name, value]),
    warning: (message: string) => void warnings.push(message),
    env,
  } as unknown as Runner;
  const state = () => Object.fromEntries(written);
  return { runner, written, warnings, state };
}

describe('post/in-main: the post step done by the main step', () => {
  it('removes the job directory and empties the state, so a post step that runs anyway does nothing', async () => {
    const env = {
      RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'in-main-')),
      HOME: tmpdir(),
      PATH: '/nonexistent',
    };
    const fake = fakeRunner(env);
    const runner = keepingState(fake.runner);
    const dir = createJobDir(env);
    writeSecretFile(dir, 'npm', 'secret');
    savePostState(runner.saveState, { jobDir: dir.root, hosts: ['registry.example'] });

    await cleanUpInMain(runner);

    expect(existsSync(dir.root)).toBe(false);
    expect(fake.state()).toEqual({ 'job-dir': '', hosts: '' });
    expect(fake.warnings).toEqual([]);
  });

  it('nothing saved (a re-tag): nothing to do, nothing written', async () => {
    const fake = fakeRunner({ PATH: '/nonexistent' });
    await cleanUpInMain(keepingState(fake.runner));
    expect(fake.written).toEqual([]);
  });

  it('a builder it cannot remove (no docker) is a warning; the directory still goes', async () => {
    const env = {
      RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'in-main-')),
      HOME: tmpdir(),
      PATH: '/nonexistent',
    };
    const fake = fakeRunner(env);
    const runner = keepingState(fake.runner);
    const dir = createJobDir(env);
    savePostState(runner.saveState, { jobDir: dir.root, builder: 'ecr-build-push-1' });
    const PATH = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await cleanUpInMain(runner);
    } finally {
      process.env.PATH = PATH;
    }
    expect(existsSync(dir.root)).toBe(false);
    expect(fake.warnings).toEqual([expect.stringMatching(/^Cleanup: Could not run docker/)]);
  });

  it('a directory it cannot remove fails the step and keeps the state for the post step', async () => {
    const fake = fakeRunner({ PATH: '/nonexistent' });
    const runner = keepingState(fake.runner);
    // Not removable even by root: what a busy mount or a read-only file system does to the job dir.
    savePostState(runner.saveState, { jobDir: '/sys/kernel/profiling' });
    await expect(cleanUpInMain(runner)).rejects.toThrow(ActionError);
    expect(fake.state()['job-dir']).toBe('/sys/kernel/profiling');
  });
});
