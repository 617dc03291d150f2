/**
 * The classic engine (Docker 20.10, classic image store, docker driver): what the builder
 * probe decides there, through dist/ as the runner runs it.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, stackEnv, uniqueRepo } from './support.js';

const builders = () => execFileSync('docker', ['buildx', 'ls'], { encoding: 'utf8' });

describe('classic engine: a build the docker driver cannot do', () => {
  it('two platforms, no builder: a docker-container builder is created; its image cannot be pulled offline, and the error names buildkit-image', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(uniqueRepo('classic-mp'), makeContext()),
        platforms: 'linux/amd64,linux/arm64',
      },
      env: stackEnv(),
    });
    const out = allOutput(run);
    expect(run.main.code, out).not.toBe(0);
    expect(out).toMatch(
      /Builder: the current builder 'default' \(docker driver, classic image store[^)]*\) cannot build 2 platforms: creating a docker-container builder/,
    );
    expect(out).toContain('the BuildKit image moby/buildkit:buildx-stable-1 could not be pulled');
    expect(out).toContain('Set `buildkit-image` to a copy the runner can pull');
    // The half-booted builder is gone: main removed it as it ended.
    expect(run.firstState.builder).toMatch(/^ecr-build-push-/);
    expect(builders()).not.toContain(run.firstState.builder);
  });

  it('a mirror in buildkit-image is the image the builder boots from (and the one the error names)', async () => {
    const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/moby/buildkit:v0.17.0';
    const run = await runAction({
      inputs: {
        ...baseInputs(uniqueRepo('classic-mirror'), makeContext()),
        cache: 'registry',
        'buildkit-image': image,
      },
      env: stackEnv(),
    });
    const out = allOutput(run);
    expect(run.main.code, out).not.toBe(0);
    expect(out).toMatch(/cannot export a cache other than inline: creating a docker-container builder/);
    expect(out).toContain(`the BuildKit image ${image} could not be pulled`);
  });

  it('builder: default with cache: registry is refused at run time, after detection, naming the classic store', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(uniqueRepo('classic-default'), makeContext()),
        cache: 'registry',
        builder: 'default',
      },
      env: stackEnv(),
    });
    const out = allOutput(run);
    expect(run.main.code, out).not.toBe(0);
    expect(out).toContain("Builder 'default' (docker driver, classic image store");
    expect(out).toContain('cannot export a cache other than inline');
    expect(out).toContain('containerd-snapshotter');
    expect(run.state.builder).toBeUndefined();
  });

  it('a single-platform build probes nothing and says so', async () => {
    const run = await runAction({
      inputs: baseInputs(uniqueRepo('classic-plain'), makeContext()),
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(allOutput(run)).toContain('Builder: the current builder: a single-platform build');
    expect(allOutput(run)).not.toContain('buildx inspect');
  });
});
