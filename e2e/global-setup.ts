import { ensureStackUp } from '../test/stack/env.js';

/**
 * Starts the local stack once for the suite. In CI the suite must run, never skip:
 * if the stack cannot start, this throws and every test fails loudly.
 */
export default async function setup(): Promise<void> {
  const started = Date.now();
  await ensureStackUp();
  console.log(`local stack up in ${Date.now() - started} ms`);
}
