/**
 * supervise() installs process-wide handlers (signals, unhandled rejections, uncaught
 * exceptions), so each case runs in a child process of its own: the scenario below, under tsx,
 * prints each event as a line, and the test sends signals when a given line appears.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

const CHILD = `
import { supervise } from './src/cli/supervise.ts';
const say = (line) => process.stdout.write(line + '\\n');
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const s = process.env.SCENARIO;
let settle;
const work = async () => {
  say('working');
  if (s === 'rejects') throw new Error('boom');
  if (s === 'unhandled') { void Promise.reject(new Error('stray')); await wait(5000); }
  if (s === 'uncaught') { setTimeout(() => { throw new Error('thrown'); }, 10); await wait(5000); }
  // The children die 50 ms after the signal and the work settles: the usual interruption.
  if (s === 'hangs') {
    const alive = setInterval(() => undefined, 1000); // what the docker children do for the CLI
    await new Promise((r) => (settle = r));
    clearInterval(alive);
  }
  // The work never settles: the grace period ends it.
  if (s === 'stuck') await wait(60000);
};
const code = await supervise(
  work,
  async (ending) => {
    say(('ending ' + ending.kind + ' ' + (ending.signal ?? ending.error?.message ?? '')).trim());
    if (s === 'slow-finish') { say('finishing'); await wait(800); }
    return ending.kind === 'done' ? 0 : ending.kind === 'signal' ? 100 : 1;
  },
  {
    signalChildren: (signal, earlier = []) => {
      say('children ' + signal + ' ' + earlier.length);
      setTimeout(() => settle?.(), 50);
      return [4242];
    },
    say: (line) => say('say ' + line),
    force: () => say('force'),
    graceMs: Number(process.env.GRACE ?? 300),
  },
);
say('exit ' + code);
process.exit(code);
`;

/** Send `signal` when a line starting with `on` appears. */
type Trigger = [on: string, signal: NodeJS.Signals];

function scenario(
  name: string,
  triggers: Trigger[],
  grace = 300,
): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, SCENARIO: name, GRACE: String(grace) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let next = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      while (next < triggers.length && lines.some((l) => l.startsWith(triggers[next]![0])))
        child.kill(triggers[next++]![1]);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, lines: out.trim().split('\n') }));
  });
}

const STOPPING = (signal: string) =>
  `say ${signal}: stopping 1 child process and cleaning up (${signal} again to stop at once).`;

describe.concurrent('cli/supervise: one ending, whatever ends the run', () => {
  // [scenario, signals, grace ms, every line the child prints, exit code]
  const rows: [string, Trigger[], number, string[], number][] = [
    ['done', [], 300, ['working', 'ending done', 'exit 0'], 0],
    ['rejects', [], 300, ['working', 'ending failed boom', 'exit 1'], 1],
    ['unhandled', [], 300, ['working', 'ending failed stray', 'exit 1'], 1],
    ['uncaught', [], 300, ['working', 'ending failed thrown', 'exit 1'], 1],
    [
      'hangs',
      [['working', 'SIGINT']],
      10_000,
      [
        'working',
        'children SIGINT 0',
        STOPPING('SIGINT'),
        'children SIGTERM 1',
        'ending signal SIGINT',
        'exit 100',
      ],
      100,
    ],
    [
      'hangs',
      [['working', 'SIGTERM']],
      10_000,
      [
        'working',
        'children SIGTERM 0',
        STOPPING('SIGTERM'),
        'children SIGTERM 1',
        'ending signal SIGTERM',
        'exit 100',
      ],
      100,
    ],
    [
      'stuck',
      [['working', 'SIGINT']],
      300,
      [
        'working',
        'children SIGINT 0',
        STOPPING('SIGINT'),
        'children SIGTERM 1',
        'ending signal SIGINT',
        'exit 100',
      ],
      100,
    ],
    [
      'stuck',
      [
        ['working', 'SIGINT'],
        ['say SIGINT: stopping', 'SIGINT'],
      ],
      10_000,
      ['working', 'children SIGINT 0', STOPPING('SIGINT'), 'say SIGINT again: stopping now.', 'force'],
      130,
    ],
    [
      'slow-finish',
      [['finishing', 'SIGINT']],
      300,
      [
        'working',
        'ending done',
        'finishing',
        'say SIGINT: finishing the clean-up first (SIGINT again to stop at once).',
        'exit 0',
      ],
      0,
    ],
  ];
  it.each(rows)(
    '%s %j',
    async (name, triggers, grace, lines, code) => {
      const r = await scenario(name, triggers, grace);
      expect(r.lines).toEqual(lines);
      expect(r.code).toBe(code);
    },
    30_000,
  ); // a child process each, under tsx: seconds on a loaded machine
});
