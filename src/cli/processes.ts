/**
 * The CLI's child processes (docker, the buildx plugin under it), found by parent pid so a
 * signal reaches the whole tree: @actions/exec does not hand out its children, and `kill` on
 * the CLI alone would leave a build running.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** pid → parent pid of every process visible: /proc on Linux, `ps` elsewhere. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        out.set(Number(entry), ppid);
      } catch {
        // the process ended while we looked
      }
    }
    return out;
  } catch {
    const table = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8' });
    for (const line of table.split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid && ppid !== undefined) out.set(pid, ppid);
    }
    return out;
  }
}

/** Every descendant of `root`, parents before children. */
export function descendants(root: number = process.pid): number[] {
  let table: Map<number, number>;
  try {
    table = parents();
  } catch {
    return [];
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of table) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/**
 * Sends `signal` to every descendant and to the `earlier` pids still alive (a child whose parent
 * died is no longer a descendant, but it is still ours); returns the pids signalled.
 */
export function signalDescendants(signal: NodeJS.Signals, earlier: readonly number[] = []): number[] {
  const signalled: number[] = [];
  for (const pid of new Set([...descendants(), ...earlier])) {
    try {
      process.kill(pid, signal);
      signalled.push(pid);
    } catch {
      // already gone
    }
  }
  return signalled;
}
