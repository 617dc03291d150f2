/**
 * The default paths (push, re-run, release re-tag) need only amazon-ecr-login's documented
 * push/pull policy. Every other ECR call is an enhancement: when the role may not make it, the
 * run goes on without it and notes which permission was refused and what was skipped (the
 * report turns the notes into one warning per permission).
 */
import { EcrError } from '../errors.js';
import type { RunLog } from '../report/log.js';

/** The operation ECR refused (explainEcrError names it), or undefined for any other failure. */
function refusedOperation(error: unknown): string | undefined {
  if (!(error instanceof EcrError) || error.code !== 'EcrAccessDenied') return undefined;
  return /^Access denied to ecr:(\w+)/.exec(error.message)?.[1] ?? 'an ECR operation';
}

/** Whether `error` is a refused permission (nothing noted). */
export function isRefused(error: unknown): boolean {
  return refusedOperation(error) !== undefined;
}

/** Whether `error` is a refused permission; if so it is noted with what was `skipped`. */
export function noteIfDenied(log: RunLog, error: unknown, skipped: string): boolean {
  const operation = refusedOperation(error);
  if (!operation) return false;
  log.denied.push({ operation, skipped });
  return true;
}

/** `call()`, or undefined (noted) when the role may not make it; any other failure propagates. */
export async function ifPermitted<T>(
  log: RunLog,
  skipped: string,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (!noteIfDenied(log, error, skipped)) throw error;
    return undefined;
  }
}
