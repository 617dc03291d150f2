/**
 * What the phases note as they go: warnings, the AWS calls made, the time spent per phase.
 * Written to only; the report reads it once, at the end.
 */
export interface RunLog {
  warnings: string[];
  /** Calls ECR refused for want of a permission, and what the run went on without (one warning each, in the report). */
  denied: { operation: string; skipped: string }[];
  /** AWS calls made (a dry run shows they were read-only). */
  awsCalls: string[];
  /** Milliseconds per phase. */
  timings: Record<string, number>;
}

export function newLog(): RunLog {
  return { warnings: [], denied: [], awsCalls: [], timings: {} };
}

/** Runs `fn` and adds its wall time to `phase`. */
export async function timed<T>(log: RunLog, phase: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    addTiming(log, phase, performance.now() - started);
  }
}

/** Adds `ms` to `phase`: for work timed where it ran (a request sent before the log existed). */
export function addTiming(log: RunLog, phase: string, ms: number): void {
  log.timings[phase] = Math.round((log.timings[phase] ?? 0) + ms);
}
