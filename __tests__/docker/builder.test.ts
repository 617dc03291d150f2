import { describe, expect, it } from 'vitest';
import {
  createBuilder,
  createBuilderArgs,
  removeBuilder,
  type BuilderSetup,
} from '../../src/docker/builder.js';
import { DockerError } from '../../src/errors.js';
import { useFakeDocker, type FakeDockerMode } from '../support/fake-docker.js';

const docker = useFakeDocker();
const env = (mode: FakeDockerMode) => docker.env(mode) as Record<string, string>;

const setup = (overrides: Partial<BuilderSetup> = {}): BuilderSetup => ({
  name: 'ecr-build-push-1-2',
  image: 'moby/buildkit:buildx-stable-1',
  driverOpts: [],
  ...overrides,
});

describe('createBuilderArgs (setup-buildx-action semantics)', () => {
  it.each([
    [
      'default image, bootstrapped',
      {},
      'buildx create --name ecr-build-push-1-2 --driver docker-container --driver-opt image=moby/buildkit:buildx-stable-1 --bootstrap',
    ],
    [
      'a mirror in buildkit-image',
      { image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/moby/buildkit:v0.17.0' },
      'buildx create --name ecr-build-push-1-2 --driver docker-container --driver-opt image=123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/moby/buildkit:v0.17.0 --bootstrap',
    ],
    [
      'driver-opts are passed; their image= wins over buildkit-image',
      { driverOpts: ['image=mirror/buildkit:1', 'network=host'] },
      'buildx create --name ecr-build-push-1-2 --driver docker-container --driver-opt image=mirror/buildkit:1 --driver-opt network=host --bootstrap',
    ],
    [
      'buildkitd config file',
      { configFile: '/tmp/job/buildkitd.toml' },
      'buildx create --name ecr-build-push-1-2 --driver docker-container --driver-opt image=moby/buildkit:buildx-stable-1 --buildkitd-config /tmp/job/buildkitd.toml --bootstrap',
    ],
    [
      'remote endpoint: no image, no bootstrap',
      { endpoint: 'tcp://buildkitd:1234' },
      'buildx create --name ecr-build-push-1-2 --driver remote tcp://buildkitd:1234',
    ],
  ])('%s', (_name, overrides, command) => {
    expect(createBuilderArgs(setup(overrides)).join(' ')).toBe(command);
  });
});

describe('createBuilder and removeBuilder (a fake docker on PATH)', () => {
  it('creates the builder with its arguments', async () => {
    const before = docker.calls().length;
    await createBuilder(setup(), env('ok'));
    expect(docker.calls().slice(before)).toEqual([createBuilderArgs(setup()).join(' ')]);
  });

  // how creation fails → error code and hint
  it.each<[string, FakeDockerMode, Partial<BuilderSetup>, string, RegExp]>([
    ['the BuildKit image cannot be pulled', 'builder-pull-fails', {}, 'BuilderImagePull', /buildkit-image/],
    ['buildx itself fails', 'builder-fails', {}, 'DockerFailed', /docker-buildx/],
    [
      'a remote endpoint is unreachable',
      'builder-fails',
      { endpoint: 'tcp://k:1234' },
      'DockerFailed',
      /reachable/,
    ],
  ])('%s → %s', async (_name, mode, overrides, code, hint) => {
    const error = (await createBuilder(setup(overrides), env(mode)).catch((e: unknown) => e)) as DockerError;
    expect(error).toBeInstanceOf(DockerError);
    expect(error.code).toBe(code);
    expect(error.hint).toMatch(hint);
  });

  it('removal reports a problem instead of throwing', async () => {
    expect(await removeBuilder('b1', env('ok'))).toBeUndefined();
    expect(await removeBuilder('b1', env('builder-fails'))).toBe('docker buildx rm b1: no buildx');
  });
});
