/** One timed run of the bundled action (main + post) through the e2e harness. */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, type ActionJob } from '../e2e/harness.js';

export interface ActionSample {
  wallMs: number;
  /** Epoch ms just before runAction (which spawns `node dist/main.js` after writing a few small files). */
  startedAt: number;
  endedAt: number;
  /**
   * Epoch ms of main's last write to a file-command file (the summary, in its `finally`): what
   * follows is main's exit and the whole post step.
   */
  mainDoneAt: number;
  /** The summary's timing table, ms per phase. */
  phases: Record<string, number>;
  outputs: Record<string, string>;
}

/** Parses the `| phase | ms |` rows after **Timings** in the job summary. */
export function parsePhases(summary: string): Record<string, number> {
  const at = summary.indexOf('**Timings**');
  if (at < 0) return {};
  const phases: Record<string, number> = {};
  for (const line of summary.slice(at).split('\n')) {
    const row = /^\| ([\w-]+) \| (\d+) \|$/.exec(line.trim());
    if (row) phases[row[1]!] = Number(row[2]);
  }
  return phases;
}

export async function timeAction(job: ActionJob): Promise<ActionSample> {
  const startedAt = Date.now();
  const started = performance.now();
  const run = await runAction(job);
  const wallMs = performance.now() - started;
  const endedAt = Date.now();
  try {
    if (run.main.code !== 0 || run.post.code !== 0) {
      const tail = `${run.main.stdout}\n${run.main.stderr}\n${run.post.stderr}`.trim().split('\n').slice(-15);
      throw new Error(
        `the action failed (main ${run.main.code}, post ${run.post.code}):\n${tail.join('\n')}`,
      );
    }
    const mainDoneAt = Math.max(
      ...['output', 'summary', 'state', 'env'].map((f) => statSync(join(run.files, f)).mtimeMs),
    );
    return { wallMs, startedAt, endedAt, mainDoneAt, phases: parsePhases(run.summary), outputs: run.outputs };
  } finally {
    // The harness leaves its runner directories behind; a bench makes hundreds.
    rmSync(run.files, { recursive: true, force: true });
  }
}
