import { describe, expect, it } from 'vitest';
import { parseBuildxInspect, usesContainerdStore } from '../../src/docker/builder-probe.js';

// Output of buildx 0.13 on this kind of machine, and of a setup-buildx-action builder.
const DOCKER_DEFAULT = `Name:          default
Driver:        docker
Last Activity: 2026-12-01 20:09:40 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.8+unknown
Platforms:        linux/amd64, linux/386
`;
const CONTAINER = `Name:          builder-7c1e
Driver:        docker-container
Last Activity: 2026-12-01 19:00:00 +0000 UTC

Nodes:
Name:                  builder-7c1e0
Endpoint:              unix:///var/run/docker.sock
Driver Options:        image="moby/buildkit:buildx-stable-1"
Status:                running
BuildKit daemon flags: --allow-insecure-entitlement=network.host
BuildKit version:      v0.17.0
Platforms:             linux/amd64, linux/amd64/v2, linux/arm64*, linux/arm/v7*
Labels:
 org.mobyproject.buildkit.worker.executor:    oci
`;
const INACTIVE = `Name:   fresh
Driver: docker-container

Nodes:
Name:      fresh0
Endpoint:  unix:///var/run/docker.sock
Status:    inactive
Platforms:
`;

describe('parseBuildxInspect', () => {
  it.each([
    [
      'docker driver',
      DOCKER_DEFAULT,
      {
        name: 'default',
        driver: 'docker',
        platforms: ['linux/amd64', 'linux/386'],
        buildkitVersion: 'v0.8+unknown',
      },
    ],
    [
      'docker-container (user-set platforms marked *)',
      CONTAINER,
      {
        name: 'builder-7c1e',
        driver: 'docker-container',
        platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64', 'linux/arm/v7'],
        buildkitVersion: 'v0.17.0',
      },
    ],
    [
      'inactive builder: no platforms, no version',
      INACTIVE,
      { name: 'fresh', driver: 'docker-container', platforms: [], buildkitVersion: undefined },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseBuildxInspect(text)).toEqual(expected);
  });
});

describe('usesContainerdStore (docker info DriverStatus)', () => {
  it.each([
    ['[["driver-type","io.containerd.snapshotter.v1"]]', true],
    ['[["Backing Filesystem","extfs"],["Supports d_type","true"],["Native Overlay Diff","true"]]', false],
    ['null', false],
    ['', false],
    ['not json', false],
  ])('%s → %s', (status, expected) => {
    expect(usesContainerdStore(status)).toBe(expected);
  });
});
