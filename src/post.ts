// Entry point of the action's post step (dist/post.js): runs even when main failed, and
// never fails the job for a cleanup hiccup. Nothing to clean (a re-tag creates no files
// and runs no docker): it exits before loading anything.
if (process.env['STATE_job-dir']) {
  try {
    const core = await import('@actions/core');
    const { cleanup } = await import('./cleanup.js');
    for (const problem of await cleanup((name) => core.getState(name), process.env))
      core.warning(`Cleanup: ${problem}`);
  } catch (error) {
    console.log(`::warning::Cleanup failed: ${(error as Error).message}`);
  }
}
