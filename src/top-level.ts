import * as core from '@actions/core';
import { describeFailure, failureStack } from './errors.js';

/**
 * The one place an action step fails: whatever is thrown or rejected (the step's own promise,
 * a stray rejection, an exception in a callback) becomes a single `::error::` line and exit
 * code 1. Only the first failure is reported; the stack of an unexpected error goes to the log.
 */
export function failStep(error: unknown): void {
  if (failed) return;
  failed = true;
  const stack = failureStack(error);
  if (stack) core.info(`Stack of the unexpected error:\n${stack}`);
  core.setFailed(describeFailure(error));
}

let failed = false;

/** Installs failStep for anything no caller catches. */
export function failOnUnhandled(): void {
  process.on('unhandledRejection', failStep);
  process.on('uncaughtException', failStep);
}
