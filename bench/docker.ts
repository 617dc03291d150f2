/**
 * The floor (plain docker CLIs doing the action's work) and the PATH shim that counts
 * the action's docker invocations.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST, registryPassword } from '../e2e/support.js';

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with pipes (as @actions/exec does for the action), failing on a non-zero exit. */
export function exec(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Exec> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) return done({ code, stdout, stderr });
      fail(new Error(`${command} ${args.slice(0, 2).join(' ')} exited ${code}:\n${stderr.slice(-1500)}`));
    });
    // A command that exits without reading its input closes the pipe: that is no failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Where the floor pushes: the stack's registry front (the default) or the bench's own TLS registry. */
export interface FloorRegistryRef {
  host: string;
  password: string;
}

export interface FloorJob {
  context: string;
  repository: string;
  tags: string[];
  registry?: FloorRegistryRef;
  /** PATH for the docker children (the shim); DOCKER_HOST for another engine. */
  path?: string;
  dockerHost?: string;
  platforms?: string[];
}

export interface FloorSample {
  wallMs: number;
  /** ms of each command: login, build (buildx build --push), logout. */
  steps: { login: number; build: number; logout: number };
  digest?: string;
}

/**
 * `docker login --password-stdin`, one `docker buildx build --push` with every tag, `docker logout`,
 * in a private DOCKER_CONFIG: the least any tool can do to ship the same image.
 */
export async function runFloor(job: FloorJob): Promise<FloorSample> {
  const config = mkdtempSync(join(tmpdir(), 'ebp-bench-floor-'));
  const env = {
    ...process.env,
    DOCKER_CONFIG: config,
    ...(job.path ? { PATH: job.path } : {}),
    ...(job.dockerHost ? { DOCKER_HOST: job.dockerHost } : {}),
  };
  const { host, password } = job.registry ?? { host: HOST, password: registryPassword() };
  const metadataFile = join(config, 'metadata.json');
  const tagArgs = job.tags.flatMap((tag) => ['--tag', `${host}/${job.repository}:${tag}`]);
  const platformArgs = job.platforms?.length ? ['--platform', job.platforms.join(',')] : [];
  try {
    const started = performance.now();
    await exec('docker', ['login', '--username', 'AWS', '--password-stdin', host], { env, input: password });
    const loggedIn = performance.now();
    await exec(
      'docker',
      [
        'buildx',
        'build',
        '--provenance=false',
        '--push',
        '--metadata-file',
        metadataFile,
        ...platformArgs,
        ...tagArgs,
        job.context,
      ],
      { env },
    );
    const built = performance.now();
    await exec('docker', ['logout', host], { env });
    const wallMs = performance.now() - started;
    const steps = { login: loggedIn - started, build: built - loggedIn, logout: started + wallMs - built };
    const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
    return { wallMs, steps, digest: metadata['containerimage.digest'] as string | undefined };
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

// Commands whose second word is a sub-command rather than an argument or flag.
const MANAGEMENT = new Set([
  'buildx',
  'builder',
  'image',
  'container',
  'context',
  'manifest',
  'system',
  'plugin',
  'network',
  'volume',
]);

/** A directory with a `docker` script that logs argv[1..2] and execs the real docker. */
export class DockerShim {
  readonly dir = mkdtempSync(join(tmpdir(), 'ebp-bench-shim-'));
  readonly log = join(this.dir, 'calls.log');
  /** PATH with the shim first. */
  readonly path: string;

  constructor() {
    // Resolved before PATH changes, so the shim cannot find itself.
    const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    if (!real) throw new Error('docker is not on PATH');
    const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
    const script = `#!/bin/sh\nprintf '%s %s\\n' "$1" "$2" >> ${quote(this.log)}\nexec ${quote(real)} "$@"\n`;
    writeFileSync(join(this.dir, 'docker'), script);
    chmodSync(join(this.dir, 'docker'), 0o755);
    this.path = `${this.dir}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  }

  /** The calls since the last take, as `login`, `buildx build`, `logout`, ... */
  take(): string[] {
    let text: string;
    try {
      text = readFileSync(this.log, 'utf8');
    } catch {
      return [];
    }
    rmSync(this.log, { force: true });
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [first = '', second = ''] = line.split(' ');
        return MANAGEMENT.has(first) && second && !second.startsWith('-') ? `${first} ${second}` : first;
      });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
