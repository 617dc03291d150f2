import { describe, expect, it } from 'vitest';
import { createBuilderArgs, type BuilderSetup } from '../../src/docker/builder.js';

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
