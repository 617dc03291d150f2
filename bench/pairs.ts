/**
 * Alternating rounds: each comparison runs the action and its floors one after another, the order
 * rotating every round (A B C, B C A, C A B, ...), so that no side always inherits what another
 * left warm (BuildKit's cache, the page cache, dockerd). One unmeasured warm-up round comes first.
 * A round during which something else used the shared stack is measured again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { client } from '../e2e/support.js';
import type { LoggedRequest } from '../test/stack/faults.js';
import type { ActionSample } from './action.js';
import type { FloorSample } from './docker.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

export interface Measured<T> {
  sample: T;
  /** Blob bytes the stack's registry front received during the command (0 for the direct registry). */
  uploadBytes: number;
}

export interface Round {
  action: Measured<ActionSample>;
  floors: Record<string, Measured<FloorSample>>;
  /** Spawn of dist/main.js → its OIDC request in the stack's log. */
  startupMs?: number;
  /** The action's requests as the stack logged them, ms after the spawn. */
  timeline: string[];
  /** Epoch ms at which the stack finished answering the action's OIDC and STS requests. */
  answered: { oidc?: number; sts?: number };
  /** Why the round is suspect, when the redo budget ran out and it was kept anyway. */
  disturbed?: string;
}

export interface Comparison<P> {
  name: string;
  rounds: number;
  prepare(i: number): P | Promise<P>;
  /** After a failure: puts back what another engineer's `client.reset()` may have dropped. */
  repair?(): Promise<void>;
  action(p: P): Promise<ActionSample>;
  floors: Record<string, (p: P) => Promise<FloorSample>>;
  /** Throws when the action did not do what the comparison assumes (built vs reused, tags). */
  check(p: P, s: ActionSample): void;
  dispose?(p: P): void;
}

export interface ComparisonResult {
  name: string;
  rounds: Round[];
  /** Rounds thrown away because something else used the stack meanwhile, or failed and were re-run. */
  discarded: string[];
}

/** One command with the registry counters reset before it: blobUploadBytes is then its upload. */
async function measured<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  await client.resetRegistryStats();
  const sample = await fn();
  const stats = await client.registryStats();
  return { sample, uploadBytes: stats.blobUploadBytes };
}

const QUIET_MS = 4000;

/** Waits until the stack's log has been silent for a few seconds (others share it), up to three minutes. */
export async function waitForQuiet(): Promise<void> {
  const deadline = Date.now() + 180_000;
  let said = false;
  for (;;) {
    const entries = await client.getLog();
    const last = Math.max(0, ...entries.map((e) => Date.parse(e.time)));
    if (Date.now() - last >= QUIET_MS) return;
    if (Date.now() > deadline) {
      log('  the stack is still busy after 3 min: measuring anyway');
      return;
    }
    if (!said) log('  waiting for other jobs on the stack to finish ...');
    said = true;
    await sleep(1000);
  }
}

/** What else happened on the stack during a round (the action makes one OIDC and one STS call), and its start-up. */
function inspect(entries: LoggedRequest[], from: number, to: number, action: ActionSample) {
  const window = entries.filter((e) => {
    const t = Date.parse(e.time);
    return t >= from && t <= to;
  });
  const oidc = window.filter((e) => e.service === 'oidc');
  const sts = window.filter((e) => e.service === 'sts');
  const reason =
    oidc.length === 0
      ? 'the stack log was reset'
      : oidc.length > 1 || sts.length > 1
        ? 'another job used the stack'
        : window.some((e) => e.fault)
          ? 'a fault was armed'
          : undefined;
  const startupMs = oidc[0] ? Date.parse(oidc[0].time) - action.startedAt : undefined;
  const timeline = window
    .filter((e) => Date.parse(e.time) <= action.endedAt && Date.parse(e.time) >= action.startedAt)
    .map((e) => `+${Date.parse(e.time) - action.startedAt} ${e.service}:${e.operation}`);
  const answered = { oidc: oidc[0] && Date.parse(oidc[0].time), sts: sts[0] && Date.parse(sts[0].time) };
  return { reason, startupMs, timeline, answered };
}

export async function alternate<P>(run: Comparison<P>): Promise<ComparisonResult> {
  const result: ComparisonResult = { name: run.name, rounds: [], discarded: [] };
  let failures = 4;
  let redos = run.rounds;
  await waitForQuiet();
  for (let i = -1; i < run.rounds; i++) {
    const label = `${run.name} ${i < 0 ? 'warm-up' : `#${i + 1}`}`;
    let p: P | undefined;
    try {
      const prepared = (p = await run.prepare(i));
      const sides: [string, () => Promise<unknown>][] = [
        [
          'action',
          async () => {
            const m = await measured(() => run.action(prepared));
            run.check(prepared, m.sample);
            return m;
          },
        ],
        ...Object.entries(run.floors).map(([name, floor]): [string, () => Promise<unknown>] => [
          name,
          () => measured(() => floor(prepared)),
        ]),
      ];
      const shift = ((i % sides.length) + sides.length) % sides.length;
      const order = [...sides.slice(shift), ...sides.slice(0, shift)];
      const from = Date.now();
      const got: Record<string, unknown> = {};
      for (const [name, side] of order) got[name] = await side();
      const action = got.action as Measured<ActionSample>;
      const floors = Object.fromEntries(
        Object.keys(run.floors).map((name) => [name, got[name] as Measured<FloorSample>]),
      );
      const { reason, startupMs, timeline, answered } = inspect(
        await client.getLog(),
        from,
        Date.now(),
        action.sample,
      );
      const walls = [`action ${Math.round(action.sample.wallMs)} ms`].concat(
        Object.entries(floors).map(([n, f]) => `${n} ${Math.round(f.sample.wallMs)} ms`),
      );
      log(`  ${label}: ${walls.join(', ')}${reason ? ` (${reason})` : ''}`);
      if (reason && i >= 0 && redos-- > 0) {
        result.discarded.push(`${label}: ${reason}`);
        await waitForQuiet();
        i--;
        continue;
      }
      if (i >= 0) result.rounds.push({ action, floors, startupMs, timeline, answered, disturbed: reason });
    } catch (error) {
      if (failures-- <= 0) throw error;
      const message = (error as Error).message.split('\n')[0];
      log(`  ${label} failed, measuring it again (${message})`);
      result.discarded.push(`${label}: failed (${message})`);
      await waitForQuiet();
      await run.repair?.();
      i--;
    } finally {
      if (p !== undefined) run.dispose?.(p);
    }
  }
  return result;
}
