import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, filesUnder, stackEnv, uniqueRepo } from './support.js';

describe('nothing left behind', () => {
  it('post step with docker missing: the job directory (credentials, secrets) is gone, a warning only', async () => {
    await client.reset();
    const run = await runAction({
      inputs: {
        ...baseInputs(uniqueRepo('nodocker'), makeContext()),
        secrets: 'npm_token=cleanup-canary-3c9d',
      },
      env: stackEnv(),
      postEnv: { PATH: '/nonexistent' },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    // A login to undo and a directory with a secret file: what a docker-first cleanup left behind.
    expect(run.state.hosts).toBeTruthy();
    expect(run.state['job-dir']).toBeTruthy();
    expect(run.post.code, allOutput(run)).toBe(0);
    expect(filesUnder(run.runnerTemp)).toEqual([]);
    expect(run.post.stdout).not.toMatch(/::error::/);
  });
});
