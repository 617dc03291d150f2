/**
 * One ending per run, whatever ends it: the work finishing or failing, an unhandled rejection
 * or uncaught exception anywhere, or SIGINT/SIGTERM. `finish` (report, clean up, exit code)
 * runs exactly once. On a signal the child processes get the signal too, the work gets a
 * grace period to wind down (so its report is complete), stragglers get SIGTERM, then
 * `finish` runs; a second signal skips the wait and calls `force`.
 */
import { SIGNAL_EXIT } from './exit-code.js';

type Signal = keyof typeof SIGNAL_EXIT;

export type Ending =
  { kind: 'done' } | { kind: 'failed'; error: unknown } | { kind: 'signal'; signal: Signal };

interface SuperviseDeps {
  /** Signals the children (and the `earlier` ones still alive); returns the pids signalled. */
  signalChildren: (signal: NodeJS.Signals, earlier?: readonly number[]) => number[];
  /** Said on stderr when a signal arrives. */
  say: (line: string) => void;
  /** The second signal: remove what must not stay, synchronously; the process exits next. */
  force: () => void;
  graceMs: number;
}

export function supervise(
  work: () => Promise<void>,
  finish: (ending: Ending) => Promise<number>,
  deps: SuperviseDeps,
): Promise<number> {
  return new Promise((resolve) => {
    let ending: Ending | undefined;
    const end = (how: Ending) => {
      if (ending) return;
      ending = how;
      finish(how).then(resolve, () => resolve(1));
    };
    let interrupted: Signal | undefined;
    // Set once the handlers are in place: a signal can never find the work without them.
    let settled: Promise<unknown> = Promise.resolve();
    process.on('unhandledRejection', (error) => end({ kind: 'failed', error }));
    process.on('uncaughtException', (error) => end({ kind: 'failed', error }));
    for (const signal of Object.keys(SIGNAL_EXIT) as Signal[]) {
      process.on(signal, () => {
        if (interrupted) {
          deps.say(`${signal} again: stopping now.`);
          deps.force();
          process.exit(SIGNAL_EXIT[signal]);
        }
        interrupted = signal;
        if (ending) {
          deps.say(`${signal}: finishing the clean-up first (${signal} again to stop at once).`);
          return;
        }
        const children = deps.signalChildren(signal);
        const count = children.length;
        deps.say(
          `${signal}: stopping${count ? ` ${count} child process${count === 1 ? '' : 'es'}` : ''} and cleaning up (${signal} again to stop at once).`,
        );
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((done) => (timer = setTimeout(done, deps.graceMs)));
        void Promise.race([settled, grace]).then(() => {
          clearTimeout(timer);
          deps.signalChildren('SIGTERM', children);
          end({ kind: 'signal', signal });
        });
      });
    }
    settled = work().then(
      () => interrupted || end({ kind: 'done' }),
      (error: unknown) => interrupted || end({ kind: 'failed', error }),
    );
  });
}
