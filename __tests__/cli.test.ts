/**
 * The bundled CLI, spawned: every flag form, help and version, the JSON on stdout on success and
 * failure, the exit codes, and signals. Offline: `plan` without credentials makes no network call,
 * and the failures chosen fail before one; docker is a fake on PATH where a build must start.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import pkg from '../package.json' with { type: 'json' };
import { bundleCli, runCli, type CliResult } from './cli/bundled.js';

const action = parseYaml(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { description: string }>;
  outputs: Record<string, unknown>;
};
const OUTPUTS = Object.keys(action.outputs);

// Every case spawns node: allow for a loaded machine.
vi.setConfig({ testTimeout: 30_000 });

let cli = '';
beforeAll(() => {
  cli = bundleCli();
}, 60_000);
afterAll(() => rmSync(dirname(cli), { recursive: true, force: true }));

/** A directory outside any git checkout with a Dockerfile, and a RUNNER_TEMP of its own. */
function workdir(): { cwd: string; runnerTemp: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'ebp-cli-'));
  writeFileSync(join(cwd, 'Dockerfile'), 'FROM scratch\n');
  const runnerTemp = join(cwd, '.runner-temp');
  mkdirSync(runnerTemp);
  return { cwd, runnerTemp };
}

async function cliRun(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult & { leftovers: string[] }> {
  const { cwd, runnerTemp } = workdir();
  const result = await runCli(cli, args, { cwd, env: { RUNNER_TEMP: runnerTemp, ...env } });
  return { ...result, leftovers: readdirSync(runnerTemp) };
}

const PLAN = ['plan', '--repository', 'svc', '--region', 'eu-west-1'];
const URI = 'ACCOUNT_ID.dkr.ecr.eu-west-1.amazonaws.com/svc';
const plan = (doc: CliResult) => doc.json?.plan as { command: string; tags: string[]; dryRun: boolean };

describe.concurrent('help and version: stdout, exit 0, nothing on stderr', () => {
  const rows: [string[], RegExp][] = [
    [['--help'], /^Usage: ecr-build-push COMMAND/],
    [['-h'], /^Usage: ecr-build-push COMMAND/],
    [['help'], /^Usage: ecr-build-push COMMAND/],
    [['help', 'run'], /^Usage: ecr-build-push run \[FLAGS\][\s\S]*--build-args LINE[\s\S]*--push, --no-push/],
    [['run', '--help'], /^Usage: ecr-build-push run /],
    [['help', 'plan'], /^Usage: ecr-build-push plan [\s\S]*--dry-run is implied/],
    [['help', 'login'], /^Usage: ecr-build-push login [\s\S]*no Dockerfile/],
    [['--version'], new RegExp(`^${pkg.version.replace(/\./g, '\\.')}\n$`)],
  ];
  it.each(rows)('%j', async (args, stdout) => {
    const r = await cliRun(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(stdout);
    expect(r.stderr).toBe('');
  });

  it("help run describes every input with action.yml's description", async () => {
    const r = await cliRun(['help', 'run']);
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(r.stdout).toMatch(new RegExp(`--${name}\\b`));
      expect(r.stdout, name).toContain(spec.description.split(/\.(?=\s|$)/)[0]!.slice(0, 24));
    }
  });

  it('help lists exit codes and every alias', async () => {
    const r = await cliRun(['help', 'run']);
    for (const flag of [
      '-t, --tag',
      '--build-arg',
      '--platform',
      '--region',
      '--label',
      '--secret',
      '-f, --file',
    ])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/130 +interrupted \(SIGINT\)/);
  });
});

describe.concurrent('flag forms reach the build (plan shows the buildx command)', () => {
  // [case, flags after PLAN, what the command / outputs must show]
  const rows: [string, string[], (r: CliResult) => void][] = [
    [
      '--build-args repeated',
      ['--build-args', 'A=1', '--build-args', 'B=2', '-t', 'x'],
      (r) => expect(plan(r).command).toContain('--build-arg A=1 --build-arg B=2'),
    ],
    [
      '--build-args multi-line',
      ['--build-args', 'A=1\nB=2', '-t', 'x'],
      (r) => expect(plan(r).command).toContain('--build-arg A=1 --build-arg B=2'),
    ],
    [
      '--build-arg alias',
      ['--build-arg', 'A=1', '--build-arg', 'B=2', '-t', 'x'],
      (r) => expect(plan(r).command).toContain('--build-arg A=1 --build-arg B=2'),
    ],
    [
      '--platform repeated',
      ['--platform', 'linux/amd64', '--platform', 'linux/arm64', '-t', 'x'],
      (r) => expect(plan(r).command).toContain('--platform linux/amd64,linux/arm64'),
    ],
    [
      '--platforms comma form',
      ['--platforms', 'linux/amd64,linux/arm64', '-t', 'x'],
      (r) => expect(plan(r).command).toContain('--platform linux/amd64,linux/arm64'),
    ],
    [
      '-t raw tags',
      ['-t', 'v1', '--tag', 'stable'],
      (r) => expect(r.json?.['tag-names']).toEqual(['v1', 'stable']),
    ],
    [
      '-t with a full reference, as the action takes tags',
      ['-t', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc:v1', '--registry', '123456789012'],
      (r) => expect(r.json?.['tag-names']).toEqual(['v1']),
    ],
    [
      '--tags rules and -t together',
      ['--tags', 'type=raw,value=a', '-t', 'b'],
      (r) => expect(r.json?.tags).toEqual([`${URI}:a`, `${URI}:b`]),
    ],
    [
      '--label alias and --labels',
      ['--label', 'team=core', '--labels', 'tier=web', '-t', 'x'],
      (r) => expect(r.json?.labels).toMatchObject({ team: 'core', tier: 'web' }),
    ],
    ['-f', ['-f', 'Dockerfile', '-t', 'x'], (r) => expect(plan(r).command).toContain('--file Dockerfile')],
    ['bare --no-cache', ['--no-cache', '-t', 'x'], (r) => expect(plan(r).command).toContain('--no-cache')],
    [
      '--no-cache false',
      ['--no-cache', 'false', '-t', 'x'],
      (r) => expect(plan(r).command).not.toContain('--no-cache'),
    ],
    ['--pull=true', ['--pull=true', '-t', 'x'], (r) => expect(plan(r).command).toContain('--pull')],
    ['--region sets aws-region', ['-t', 'x'], (r) => expect(r.json?.['repository-uri']).toBe(URI)],
  ];
  it.each(rows)('%s', async (_name, flags, check) => {
    const r = await cliRun([...PLAN, ...flags]);
    expect(r.code, r.stderr).toBe(0);
    check(r);
  });

  it('--secret id=X,env=VAR: the value reaches buildx as a file, never argv, stdout or stderr', async () => {
    const r = await cliRun([...PLAN, '-t', 'x', '--secret', 'id=npm,env=NPM_TOKEN'], {
      NPM_TOKEN: 'tok-3f9a1c',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(plan(r).command).toMatch(/--secret id=npm,src=\S+\/secrets\/npm/);
    expect(r.stdout + r.stderr).not.toContain('tok-3f9a1c');
    expect(r.leftovers).toEqual([]);
  });

  it('an inline secret works, with a warning that names the id only', async () => {
    const r = await cliRun([...PLAN, '-t', 'x', '--secrets', 'npm=tok-77aa']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: --secrets npm=\*\*\*: a secret value on the command line/);
    expect(r.stdout + r.stderr).not.toContain('tok-77aa');
  });
});

describe.concurrent('stdout is one JSON object with the action outputs, typed', () => {
  it('on success: every output, with its type', async () => {
    const r = await cliRun([...PLAN, '-t', 'v1', '--label', 'a=b']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json!;
    expect(Object.keys(doc).sort()).toEqual([...OUTPUTS].sort());
    expect(doc).toMatchObject({
      tags: [`${URI}:v1`],
      'tag-names': ['v1'],
      pushed: false,
      reused: false,
      'repository-uri': URI,
      digest: '',
      'platform-digests': {},
      targets: [],
      'scan-findings': null,
    });
    expect(doc.labels).toMatchObject({ a: 'b' });
    expect(plan(r)).toMatchObject({ dryRun: true, tags: ['v1'] });
    expect(r.leftovers).toEqual([]);
  });

  it('plan outside git with explicit tags needs no commit', async () => {
    const r = await cliRun([...PLAN, '--tags', 'type=raw,value=nightly']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json?.['tag-names']).toEqual(['nightly']);
  });

  // [case, args, env, exit code, error code, message]
  const failures: [string, string[], Record<string, string>, number, string, RegExp][] = [
    ['unknown flag', ['run', '--repo', 'x'], {}, 2, 'UsageError', /Unknown flag --repo/],
    ['no command', [], {}, 2, 'UsageError', /No command/],
    [
      'invalid input value',
      [...PLAN, '--platform', 'linux/amd46'],
      {},
      2,
      'ValidationError',
      /platforms.*linux\/amd46/,
    ],
    ['bad tag rule', [...PLAN, '--tags', 'type=semvr'], {}, 2, 'ValidationError', /unknown type "semvr"/],
    [
      'no Dockerfile',
      [...PLAN, '-t', 'x', '-f', 'missing/Dockerfile'],
      {},
      2,
      'ValidationError',
      /Dockerfile/,
    ],
    [
      'run: role without any token',
      [
        'run',
        '--repository',
        'svc',
        '--region',
        'eu-west-1',
        '--role-to-assume',
        'arn:aws:iam::123456789012:role/ci',
        '-t',
        'x',
      ],
      {},
      1,
      'OidcUnavailable',
      /no OIDC token/,
    ],
    [
      '--secret id=X,env=VAR with the variable unset',
      [...PLAN, '-t', 'x', '--secret', 'id=npm,env=NO_SUCH_VAR'],
      {},
      2,
      'ValidationError',
      /secret-envs.*NO_SUCH_VAR/,
    ],
    ['no tags at all (no git, no rules that apply)', [...PLAN], {}, 1, 'NoTags', /No tags planned/],
  ];
  it.each(failures)('on failure: %s', async (_name, args, env, exit, code, message) => {
    const r = await cliRun(args, env);
    expect(r.code, r.stderr).toBe(exit);
    const doc = r.json!;
    expect(Object.keys(doc).sort()).toEqual([...OUTPUTS, 'error'].sort());
    const error = doc.error as { message: string; hint: string | null; code: string };
    expect(Object.keys(error).sort()).toEqual(['code', 'hint', 'message']);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(r.stderr).toContain('error: ');
    expect(r.leftovers).toEqual([]);
  });

  it('login needs no Dockerfile and no git: it fails on credentials, not on the build inputs', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ebp-cli-login-'));
    const r = await runCli(cli, ['login', '--region', 'eu-west-1', '--registry', '123456789012'], { cwd });
    expect(r.code).toBe(1);
    expect((r.json?.error as { code: string }).code).toBe('NoCredentials');
  });
});

describe('what goes to stderr', () => {
  it('by default: progress and warnings', async () => {
    const r = await cliRun([...PLAN, '-t', 'x']);
    expect(r.stderr).toMatch(/warning: No AWS credentials in the environment/);
  });

  it('--quiet: warnings and errors only', async () => {
    const r = await cliRun([...PLAN, '-t', 'x', '--quiet', '--platform', 'linux/amd46']);
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stderr).not.toMatch(/^notice: /m);
  });

  it('--json-only: nothing at all, the JSON says it', async () => {
    const r = await cliRun([...PLAN, '-t', 'x', '--json-only', '--platform', 'linux/amd46']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect((r.json?.error as { code: string }).code).toBe('ValidationError');
  });

  it('--format text: a short summary instead of the JSON', async () => {
    const r = await cliRun([...PLAN, '-t', 'v1', '-t', 'latest', '--format', 'text']);
    expect(r.code).toBe(0);
    expect(r.json).toBeUndefined();
    expect(r.stdout).toBe(
      [
        `repository  ${URI}`,
        'tags        v1, latest',
        'done        dry run: would build and push 2 tags',
        '',
      ].join('\n'),
    );
  });

  it('--format text on failure: the error and the hint', async () => {
    const r = await cliRun([...PLAN, '--format', 'text']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^error +No tags planned/m);
    expect(r.stdout).toMatch(/^hint +/m);
  });
});

describe('signals: the run stops, cleans up and exits 128+signal', () => {
  /** A docker that records its pid (and its child's) and hangs: the build never ends by itself. */
  function hangingDocker(dir: string): { bin: string; log: string } {
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin);
    const log = join(dir, 'docker.log');
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh\necho "$$" >> "${log}"\nsh -c 'echo "$$" >> "${log}"; exec sleep 30'\n`,
    );
    chmodSync(join(bin, 'docker'), 0o755);
    return { bin, log };
  }
  /** Running, not a zombie waiting for a reaper (the CLI's children outlive it as such until reaped). */
  const alive = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  };

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s mid-build: exit %i, JSON with error Interrupted, no child and no private dir left',
    async (signal, exit) => {
      const { cwd, runnerTemp } = workdir();
      const { bin, log } = hangingDocker(cwd);
      const r = await runCli(cli, [...PLAN, '-t', 'x', '--build-in-dry-run'], {
        cwd,
        env: { RUNNER_TEMP: runnerTemp, PATH: `${bin}:${process.env.PATH}` },
        started: (child) => {
          const poll = setInterval(() => {
            // Both the docker process and its child run once both wrote their pid.
            if (!existsSync(log) || readFileSync(log, 'utf8').trim().split('\n').length < 2) return;
            clearInterval(poll);
            child.kill(signal);
          }, 25);
        },
      });
      expect(r.code, r.stderr).toBe(exit);
      expect(r.stderr).toMatch(new RegExp(`${signal}: stopping 2 child processes and cleaning up`));
      expect((r.json?.error as { code: string }).code).toBe('Interrupted');
      expect(readdirSync(runnerTemp)).toEqual([]);
      for (const pid of readFileSync(log, 'utf8').trim().split('\n').map(Number))
        expect(alive(pid), `pid ${pid}`).toBe(false);
    },
  );
});
