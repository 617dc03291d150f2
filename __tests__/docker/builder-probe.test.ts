import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBuildxInspect, probeBuilder, usesContainerdStore } from '../../src/docker/builder-probe.js';

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
// Docker 26.1 with the containerd image store: a containerd worker.
const CONTAINERD = `Name:          default
Driver:        docker
Last Activity: 2026-12-01 20:48:06 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.0.0+unknown
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4
Labels:
 org.mobyproject.buildkit.worker.containerd.namespace: moby
 org.mobyproject.buildkit.worker.executor:             containerd
 org.mobyproject.buildkit.worker.snapshotter:          overlayfs
`;
// A classic-store engine new enough to print labels: the moby worker.
const CLASSIC_LABELS = `Name:          default
Driver:        docker

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.12.5
Platforms:        linux/amd64, linux/386
Labels:
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1
`;
// A newer engine without worker labels: its version says nothing.
const UNLABELLED = `Name:          default
Driver:        docker

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.0.0+unknown
Platforms:        linux/amd64
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
      'docker driver, no worker labels, BuildKit v0.8 (20.10): older than the containerd store, so the classic one',
      DOCKER_DEFAULT,
      {
        name: 'default',
        driver: 'docker',
        platforms: ['linux/amd64', 'linux/386'],
        buildkitVersion: 'v0.8+unknown',
        containerdStore: false,
      },
    ],
    [
      'docker driver, no worker labels, BuildKit v0.0.0+unknown: the store is unknown',
      UNLABELLED,
      {
        name: 'default',
        driver: 'docker',
        platforms: ['linux/amd64'],
        buildkitVersion: 'v0.0.0+unknown',
        containerdStore: undefined,
      },
    ],
    [
      'docker driver, containerd worker: the containerd store',
      CONTAINERD,
      {
        name: 'default',
        driver: 'docker',
        platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4'],
        buildkitVersion: 'v0.0.0+unknown',
        containerdStore: true,
      },
    ],
    [
      'docker driver, moby worker: the classic store',
      CLASSIC_LABELS,
      {
        name: 'default',
        driver: 'docker',
        platforms: ['linux/amd64', 'linux/386'],
        buildkitVersion: 'v0.12.5',
        containerdStore: false,
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
        containerdStore: undefined,
      },
    ],
    [
      'inactive builder: no platforms, no version',
      INACTIVE,
      {
        name: 'fresh',
        driver: 'docker-container',
        platforms: [],
        buildkitVersion: undefined,
        containerdStore: undefined,
      },
    ],
  ])('%s', (_name, text, expected) => {
    const parsed = parseBuildxInspect(text);
    expect(parsed).toEqual(expected);
    expect(parsed.containerdStore).toBe(expected.containerdStore);
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

/** A stand-in `docker` on PATH that answers inspect with FAKE_INSPECT and info with the containerd store, counting calls. */
describe('probeBuilder: one docker call when buildx inspect tells the store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-probe-'));
  const calls = join(dir, 'calls');
  const path = process.env.PATH;
  beforeAll(() => {
    writeFileSync(
      join(dir, 'docker'),
      `#!/bin/bash\necho "$*" >> ${calls}\ncase "$1" in\n  buildx) cat "$FAKE_INSPECT" ;;\n  info) echo '[["driver-type","io.containerd.snapshotter.v1"]]' ;;\nesac\n`,
    );
    chmodSync(join(dir, 'docker'), 0o755);
    process.env.PATH = `${dir}:${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
  });

  it.each([
    ['containerd worker labels', CONTAINERD, false, ['buildx inspect'], true],
    [
      'no labels, BuildKit v0.8 (engine 20.10): the classic store, no docker info',
      DOCKER_DEFAULT,
      true,
      ['buildx inspect'],
      false,
    ],
    [
      'no labels, a version that says nothing: docker info decides',
      UNLABELLED,
      false,
      ['buildx inspect', 'info --format {{json .DriverStatus}}'],
      true,
    ],
    ['a container builder: the store does not matter', CONTAINER, false, ['buildx inspect'], false],
    [
      'a container builder loading two platforms: docker info',
      CONTAINER,
      true,
      ['buildx inspect', 'info --format {{json .DriverStatus}}'],
      true,
    ],
  ])('%s', async (_name, inspect, storeMatters, expected, containerdStore) => {
    writeFileSync(calls, '');
    const file = join(dir, 'inspect.txt');
    writeFileSync(file, inspect);
    const probe = await probeBuilder(
      undefined,
      { PATH: process.env.PATH!, FAKE_INSPECT: file },
      storeMatters,
    );
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(expected);
    expect(probe.containerdStore).toBe(containerdStore);
  });
});
