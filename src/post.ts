// Entry point of the action's post step (dist/post.js): runs even when main failed.
// Nothing to clean (a re-tag creates no files and runs no docker): skip loading the rest.
if (process.env['STATE_job-dir']) {
  const core = await import('@actions/core');
  const { cleanup } = await import('./cleanup.js');
  try {
    const problems = await cleanup({
      jobDir: core.getState('job-dir'),
      hosts: core.getState('hosts'),
      builder: core.getState('builder'),
      cacheDir: core.getState('cache-dir'),
      env: process.env,
    });
    for (const p of problems) core.warning(`Cleanup: ${p}`);
  } catch (error) {
    // Never fail the job for a cleanup hiccup.
    core.warning(`Cleanup failed: ${(error as Error).message}`);
  }
}
