import { readStackState, stopStack } from '../env.js';

/**
 * The files that need the running stack start it themselves (use-stack.ts); the in-process ones do
 * without. After the suite, a stack the suite started is stopped; one that was already up stays.
 */
export default function setup(): () => Promise<void> {
  const wasUp = readStackState() !== undefined;
  return async () => {
    if (!wasUp && readStackState()) await stopStack();
  };
}
