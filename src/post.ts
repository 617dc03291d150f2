import * as core from '@actions/core';
import { cleanup } from './cleanup.js';

// Entry point of the action's post step (dist/post.js): runs even when main failed.
cleanup({
  jobDir: core.getState('job-dir'),
  hosts: core.getState('hosts'),
  builder: core.getState('builder'),
  cacheDir: core.getState('cache-dir'),
  env: process.env,
})
  .then((problems) => problems.forEach((p) => core.warning(`Cleanup: ${p}`)))
  // Never fail the job for a cleanup hiccup.
  .catch((error: unknown) => core.warning(`Cleanup failed: ${(error as Error).message}`));
