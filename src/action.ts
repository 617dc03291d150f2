import { main } from './main.js';
import { cleanUpInMain, keepingState } from './post/in-main.js';
import { actionsRunner } from './runner/actions-runner.js';
import { failOnUnhandled, failStep } from './top-level.js';

// Entry point of the action's main step (dist/main.js). It also does the post step's cleanup,
// so that a job that ends normally runs one Node process (see post/in-main.ts).
failOnUnhandled();
const runner = keepingState(actionsRunner());
await main(runner).catch(failStep);
await cleanUpInMain(runner).catch(failStep);
