import { ActionError } from '../errors.js';
import type { Runner } from '../runner/runner.js';
import { cleanup } from './cleanup.js';
import { readPostState, savePostState } from './state.js';

/** A runner whose saved state is also kept here, for the cleanup at the end of the main step. */
interface StateKeepingRunner extends Runner {
  saved: Record<string, string>;
}

export function keepingState(runner: Runner): StateKeepingRunner {
  const saved: Record<string, string> = {};
  return {
    ...runner,
    saved,
    saveState: (name, value) => {
      saved[name] = value;
      runner.saveState(name, value);
    },
  };
}

/**
 * The post step's work, done by the main step as it ends (succeeded or failed), so that a job
 * runs one Node process: action.yml starts the post step only when the job failed or was
 * cancelled (`post-if`), which covers a main step killed before it got here. Afterwards the
 * saved state is emptied: a post step that runs anyway (a later step failed) has nothing to do.
 * A directory that could not be removed keeps its state and fails the step, and the post step
 * tries again.
 */
export async function cleanUpInMain(runner: StateKeepingRunner): Promise<void> {
  const state = readPostState((name) => runner.saved[name] ?? '');
  if (!state.jobDir) return;
  const result = await cleanup(state, runner.env);
  for (const problem of result.problems) runner.warning(`Cleanup: ${problem}`);
  if (result.leftBehind) {
    throw new ActionError(
      `Cleanup: ${result.leftBehind}`,
      'The post step tries again; remove the directory yourself if it stays.',
      'CleanupLeftBehind',
    );
  }
  // Only what was saved: a name never written stays absent.
  const names = { jobDir: 'job-dir', hosts: 'hosts', builder: 'builder' } as const;
  const emptied = Object.fromEntries(
    Object.entries(names)
      .filter(([, name]) => runner.saved[name] !== undefined)
      .map(([key]) => [key, key === 'hosts' ? [] : '']),
  );
  savePostState(runner.saveState, emptied);
}
