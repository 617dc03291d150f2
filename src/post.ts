// Entry point of the action's post step (dist/post.js): runs even when main failed. Nothing
// to clean (a re-tag creates no files and runs no docker): it exits before loading anything.
// A docker hiccup only warns; a job directory left on disk (credentials, secret files) fails
// the step, as does anything unexpected.
import { hasPostWork, readPostState } from './post/state.js';

if (hasPostWork(process.env)) {
  const { failOnUnhandled, failStep } = await import('./top-level.js');
  failOnUnhandled();
  try {
    const core = await import('@actions/core');
    const { cleanup } = await import('./post/cleanup.js');
    const result = await cleanup(readPostState(core.getState), process.env);
    for (const problem of result.problems) core.warning(`Cleanup: ${problem}`);
    if (result.leftBehind) core.setFailed(`Cleanup: ${result.leftBehind}`);
  } catch (error) {
    failStep(error);
  }
}
