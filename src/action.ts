import { main } from './main.js';
import { actionsRunner } from './runner/actions-runner.js';
import { failOnUnhandled, failStep } from './top-level.js';

// Entry point of the action's main step (dist/main.js).
failOnUnhandled();
main(actionsRunner()).catch(failStep);
