import { describe, expect, it } from 'vitest';
import { dockerLogin, dockerLogout } from '../../src/docker/login.js';
import { DockerError } from '../../src/errors.js';
import { useFakeDocker, type FakeDockerMode } from '../support/fake-docker.js';
import { instantRetry } from '../support/helpers.js';

const docker = useFakeDocker();

const env = (mode: FakeDockerMode) => docker.env(mode) as Record<string, string>;

describe('docker/login', () => {
  it('logs in with the password on stdin, never on the command line', async () => {
    const [before, logins] = [docker.calls().length, docker.logins().length];
    const jobConfig = { ...env('ok'), DOCKER_CONFIG: '/job/docker' };
    await dockerLogin('h.example', { username: 'AWS', password: 'pw-secret' }, jobConfig, instantRetry());
    const calls = docker.calls().slice(before);
    expect(calls).toEqual(['login --username AWS --password-stdin h.example']);
    expect(calls.join(' ')).not.toContain('pw-secret');
    expect(docker.logins().slice(logins)).toEqual([{ dockerConfig: '/job/docker', stdin: 'pw-secret' }]);
  });

  it('a refused login is a DockerError, after the retries', async () => {
    const before = docker.calls().length;
    const retry = instantRetry(2);
    const error = await dockerLogin(
      'h.example',
      { username: 'AWS', password: 'pw' },
      env('login-fails'),
      retry,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerError);
    expect(docker.calls().length - before).toBeGreaterThanOrEqual(1);
  });

  it('logout of every host; a failure is a problem to report, not a throw', async () => {
    expect(await dockerLogout(['a.example', 'b.example'], env('ok'))).toEqual([]);
    expect(await dockerLogout(['a.example'], env('logout-fails'))).toEqual([
      'docker logout a.example: not logged in',
    ]);
  });
});
