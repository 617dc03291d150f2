import * as core from '@actions/core';
import { main } from './main.js';
import { actionsRunner } from './runner/actions-runner.js';
import { describeFailure } from './steps/report.js';

// Entry point of the action's main step (dist/main.js).
main(actionsRunner()).catch((error: unknown) => core.setFailed(describeFailure(error)));
