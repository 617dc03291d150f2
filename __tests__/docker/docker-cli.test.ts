import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { docker } from '../../src/docker/docker-cli.js';
import { DockerError } from '../../src/errors.js';

/** A `docker` on PATH that prints its argv (one per line) and the INPUT_ variables it sees. */
function fakeDocker(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-cli-'));
  writeFileSync(
    join(dir, 'docker'),
    '#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\nenv | grep -c ^INPUT_ >&2\n',
  );
  chmodSync(join(dir, 'docker'), 0o755);
  return dir;
}

// @actions/exec finds the program on this process's PATH (not the child's env).
const PATH = process.env.PATH;
const onPath = (dirs: string) => (process.env.PATH = dirs);

describe('docker', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.env.PATH = PATH;
  });

  it('echoes one [command] line, quoted and escaped, and streams the output', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    onPath(`${fakeDocker()}:/usr/bin:/bin`);
    const result = await docker(['buildx', 'build', '--target', 'x\n::warning::pwned'], {
      env: { PATH: '/usr/bin:/bin', INPUT_SECRETS: 'x' },
    });
    expect(result.exitCode).toBe(0);
    const log = written.join('');
    expect(log).toContain("[command]docker buildx build --target $'x\\n::warning::pwned'\n");
    // The argument arrives literally; the only line starting with `::` would be docker's own.
    expect(result.stdout).toContain('arg:x\n::warning::pwned');
    expect(log.split('\n').filter((l) => l.startsWith('[command]'))).toHaveLength(1);
    // The child gets exactly the env it is given.
    expect(result.stderr.trim()).toBe('1');
  });

  it('quiet calls print nothing', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    onPath(`${fakeDocker()}:/usr/bin:/bin`);
    await docker(['logout', 'h'], { env: { PATH: '/usr/bin:/bin' }, quiet: true });
    expect(write).not.toHaveBeenCalled();
  });

  it('a NUL byte in an argument is a clear DockerError, before anything runs', async () => {
    const error = await docker(['buildx', 'build', '--label', 'a=b\u0000c'], { env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DockerError);
    expect((error as DockerError).message).toBe(
      'docker buildx build: argument 4 contains a NUL byte: "a=b\\u0000c".',
    );
  });

  it('docker missing is a DockerError naming the fix', async () => {
    onPath('/nonexistent');
    const error = await docker(['version'], { env: {}, quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerError);
    expect((error as DockerError).hint).toMatch(/install docker/);
  });
});
