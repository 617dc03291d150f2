import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, filesUnder, stackEnv, uniqueRepo } from './support.js';

describe('nothing left behind', () => {
  it('a job that succeeds: main removes the job directory itself and no post step runs', async () => {
    await client.reset();
    const run = await runAction({
      inputs: {
        ...baseInputs(uniqueRepo('cleanup'), makeContext()),
        secrets: 'npm_token=cleanup-canary-3c9d',
      },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.post.ran).toBe(false);
    // The directory (docker config with the registry login, the secret file) is gone, and the
    // state says so: a post step that ran anyway would find nothing to do.
    expect(filesUnder(run.runnerTemp)).toEqual([]);
    expect(run.state['job-dir']).toBe('');
  });

  it('a later step failed: the post step runs, finds nothing to clean, and needs no docker for that', async () => {
    const run = await runAction({
      inputs: baseInputs(uniqueRepo('cleanup-later'), makeContext()),
      env: stackEnv(),
      jobStatus: 'failure',
      postEnv: { PATH: '/nonexistent' },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.post.ran).toBe(true);
    expect(run.post.code, allOutput(run)).toBe(0);
    expect(`${run.post.stdout}${run.post.stderr}`).toBe('');
    expect(filesUnder(run.runnerTemp)).toEqual([]);
  });
});
