/**
 * Runs the bundled action the way the GitHub runner does: INPUT_* variables, the
 * file-command files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_STEP_SUMMARY),
 * a per-job RUNNER_TEMP, then the post step with the saved state as STATE_*.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evaluatePostIf, postIf } from './post-if.js';

export const ROOT = resolve(import.meta.dirname, '..');

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  /** False when the step did not run: the post step's `post-if` was false (or `noPost`). */
  ran?: boolean;
}

export interface ActionRun {
  main: StepResult;
  post: StepResult;
  outputs: Record<string, string>;
  /** The saved state as the post step would see it (the last value of each name). */
  state: Record<string, string>;
  /** The first value main saved under each name (it empties the state once it has cleaned up). */
  firstState: Record<string, string>;
  exportedEnv: Record<string, string>;
  summary: string;
  /** RUNNER_TEMP of this job. */
  runnerTemp: string;
  /** Directory holding the file-command files. */
  files: string;
}

export interface ActionJob {
  inputs: Record<string, string>;
  /** Environment on top of the runner's defaults (stack env, GITHUB_REF, ...). */
  env?: Record<string, string | undefined>;
  /** Event payload written to GITHUB_EVENT_PATH (`null` writes `null`, as a hand-written event file may hold). */
  event?: Record<string, unknown> | null;
  /** Working directory (the checkout). */
  cwd?: string;
  /** Skip the post step (to inspect what main left behind). */
  noPost?: boolean;
  /** The job's status when the post step is due (default: main's result): a later step may have failed. */
  jobStatus?: 'success' | 'failure' | 'cancelled';
  /** Environment of the post step on top of the main step's (e.g. a PATH without docker). */
  postEnv?: Record<string, string | undefined>;
  /**
   * Runs both steps as this user (a self-hosted runner's account), not root: the file-command
   * files and HOME are the user's; RUNNER_TEMP stays root's 0755 directory, as a root container
   * job can leave it.
   */
  user?: { uid: number; gid: number };
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file: `name<<DELIM` blocks and `name=value` lines. */
export function parseFileCommands(text: string, keep: 'last' | 'first' = 'last'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== delim) body.push(lines[i]!);
      if (keep === 'last' || !(name! in out)) out[name!] = body.join('\n');
    } else if (line.includes('=')) {
      const name = line.slice(0, line.indexOf('='));
      if (keep === 'last' || !(name in out)) out[name] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

function runNode(
  script: string,
  env: Record<string, string | undefined>,
  cwd: string,
  user?: ActionJob['user'],
): Promise<StepResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script], {
      env: env as NodeJS.ProcessEnv,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** The runner's base environment: PATH and HOME from this process, GITHUB_* for a push to main. */
export function runnerEnv(files: string, runnerTemp: string, eventPath: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo-org/octo-app',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: ROOT,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STATE: join(files, 'state'),
    GITHUB_ENV: join(files, 'env'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
  };
}

export async function runAction(job: ActionJob): Promise<ActionRun> {
  const files = mkdtempSync(join(tmpdir(), 'ebp-runner-'));
  const runnerTemp = join(files, 'runner-temp');
  mkdirSync(runnerTemp);
  const eventPath = join(files, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify(
      job.event !== undefined
        ? job.event
        : {
            repository: {
              name: 'octo-app',
              default_branch: 'main',
              description: 'Octo app',
              license: { spdx_id: 'MIT' },
            },
          },
    ),
  );
  for (const name of ['output', 'state', 'env', 'summary']) writeFileSync(join(files, name), '');
  if (job.user)
    for (const path of [
      files,
      eventPath,
      ...['output', 'state', 'env', 'summary'].map((n) => join(files, n)),
    ])
      chownSync(path, job.user.uid, job.user.gid);
  const inputEnv = Object.fromEntries(
    Object.entries(job.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/ /g, '_')}`, v]),
  );
  const env = {
    ...runnerEnv(files, runnerTemp, eventPath),
    ...(job.user ? { HOME: files } : {}),
    ...job.env,
    ...inputEnv,
  };
  const cwd = job.cwd ?? ROOT;
  const main = await runNode(join(ROOT, 'dist/main.js'), env, cwd, job.user);
  const stateText = read(join(files, 'state'));
  const state = parseFileCommands(stateText);
  const firstState = parseFileCommands(stateText, 'first');
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
  // As the runner does: the post step runs only when action.yml's post-if holds for the job's status.
  const status = job.jobStatus ?? (main.code === 0 ? 'success' : 'failure');
  const post =
    job.noPost || !evaluatePostIf(postIf(ROOT), status)
      ? { code: 0, stdout: '', stderr: '', ran: false }
      : {
          ...(await runNode(
            join(ROOT, 'dist/post.js'),
            { ...env, ...job.postEnv, ...stateEnv },
            cwd,
            job.user,
          )),
          ran: true,
        };
  return {
    main,
    post,
    outputs: parseFileCommands(read(join(files, 'output'))),
    state,
    firstState,
    exportedEnv: parseFileCommands(read(join(files, 'env'))),
    summary: read(join(files, 'summary')),
    runnerTemp,
    files,
  };
}

/** Every line the action printed, both steps, for assertions and secret scans. */
export function allOutput(run: ActionRun): string {
  return [run.main.stdout, run.main.stderr, run.post.stdout, run.post.stderr].join('\n');
}

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  /** The JSON document on stdout: typed outputs, `error` on failure (empty when stdout is not JSON). */
  outputs: Record<string, unknown>;
}

/** Runs the bundled CLI (`dist/cli.js COMMAND --flag value ...`) with only the given environment. */
export function runCli(
  command: string,
  flags: Record<string, string>,
  env: Record<string, string | undefined>,
): CliRun {
  const args = [
    join(ROOT, 'dist/cli.js'),
    command,
    ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]),
  ];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
  });
  let outputs: Record<string, unknown> = {};
  try {
    outputs = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    // not JSON: the test looks at stdout itself
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, outputs };
}
