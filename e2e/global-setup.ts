import { ensureStackUp, readStackState, stopStack } from '../test/stack/env.js';

/**
 * Starts the local stack once for the suite. In CI the suite must run, never skip:
 * if the stack cannot start, this throws and every test fails loudly. A stack that
 * was already running (npm run stack:up) is left running; one started here is stopped.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const wasUp = readStackState() !== undefined;
  const started = Date.now();
  await ensureStackUp();
  console.log(`local stack ${wasUp ? 'already up' : `up in ${Date.now() - started} ms`}`);
  return async () => {
    if (!wasUp) await stopStack();
  };
}
