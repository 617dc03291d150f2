import type { EarlyIdToken } from './aws/early-id-token.js';
import { main } from './main.js';
import { nodeDeps } from './steps/prepare.js';
import { cleanUpInMain, keepingState } from './post/in-main.js';
import { actionsRunner } from './runner/actions-runner.js';
import { failOnUnhandled, failStep } from './top-level.js';

/**
 * The action's main step (dist/main.js, via entry/main.ts). It also does the post step's
 * cleanup, so that a job that ends normally runs one Node process (see post/in-main.ts).
 */
export async function runAction(early: EarlyIdToken | undefined): Promise<void> {
  failOnUnhandled();
  const runner = keepingState(actionsRunner());
  await main(runner, nodeDeps, early).catch(failStep);
  await cleanUpInMain(runner).catch(failStep);
}
