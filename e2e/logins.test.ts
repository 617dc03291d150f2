/**
 * Logins made before the step reach the build, as they do with the five-action chain: a private
 * base image behind basic auth in the stack's second registry (registry.octo.example), pulled with
 * the docker login the job made earlier (the user's DOCKER_CONFIG, which is never written). And
 * `base-registries`: the action itself logs in, for pulls only, to the ECR registry of another
 * account holding the base image.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS } from '../test/stack/topology.js';
import { allOutput, runAction } from './harness.js';
import { baseInputs, dockerConfigWith, privateRegistry, stackEnv, uniqueRepo } from './support.js';

/** A context built on `base`. */
function contextFrom(base: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-ctx-'));
  writeFileSync(join(dir, 'marker'), `${Date.now()}\n`);
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nCOPY marker /marker\n`);
  return dir;
}

const emptyDockerConfig = () => mkdtempSync(join(tmpdir(), 'ebp-user-docker-'));
const UNAUTHORIZED = /401|unauthorized|no basic auth credentials|authorization failed/i;

describe('logins made before the step', () => {
  it("a private base image is pulled with the user's earlier login; the user's config is never written", async () => {
    const { baseImage, login } = privateRegistry();

    // Without that login the build cannot pull the base image (asked first: no engine cache helps).
    const denied = await runAction({
      inputs: baseInputs(uniqueRepo('logins-none'), contextFrom(baseImage)),
      env: { ...stackEnv(), DOCKER_CONFIG: emptyDockerConfig() },
    });
    expect(denied.main.code).not.toBe(0);
    expect(allOutput(denied)).toMatch(UNAUTHORIZED);

    // What docker/login-action leaves behind: the user's config with the other registry's login.
    const userConfig = dockerConfigWith([login]);
    const before = readFileSync(join(userConfig, 'config.json'), 'utf8');
    const run = await runAction({
      inputs: baseInputs(uniqueRepo('logins'), contextFrom(baseImage)),
      env: { ...stackEnv(), DOCKER_CONFIG: userConfig },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.outputs.pushed).toBe('true');
    // Read, never written: the action's ECR login went into its private copy, gone after the post step.
    expect(readFileSync(join(userConfig, 'config.json'), 'utf8')).toBe(before);
    expect(run.post.code).toBe(0);
  });
});

describe('base-registries', () => {
  const BASE = ACCOUNTS[1]!;

  /** A small base image in the other account's registry (pushed with that account's role), gone from the engine. */
  async function pushBase(): Promise<string> {
    const repo = uniqueRepo('base');
    const dir = mkdtempSync(join(tmpdir(), 'ebp-base-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY Dockerfile /base-marker\n');
    const pushed = await runAction({
      inputs: {
        'role-to-assume': `arn:aws:iam::${BASE.id}:role/gha-ecr-push`,
        'aws-region': BASE.region,
        registry: BASE.host,
        repository: repo,
        context: dir,
        'create-repository': 'true',
        tags: 'type=raw,value=1',
      },
      env: stackEnv(),
    });
    expect(pushed.main.code, allOutput(pushed)).toBe(0);
    const image = `${BASE.host}/${repo}:1`;
    spawnSync('docker', ['rmi', image], { env: { ...process.env, DOCKER_HOST: stackEnv().DOCKER_HOST } });
    return image;
  }

  it("the action logs in to the base image's registry for pulls, with a role there", async () => {
    const base = await pushBase();
    const inputs = baseInputs(uniqueRepo('base-registries'), contextFrom(base));

    const without = await runAction({ inputs, env: { ...stackEnv(), DOCKER_CONFIG: emptyDockerConfig() } });
    expect(without.main.code).not.toBe(0);
    expect(allOutput(without)).toMatch(UNAUTHORIZED);

    const run = await runAction({
      inputs: {
        ...inputs,
        'base-registries': `${BASE.id}/${BASE.region}=arn:aws:iam::${BASE.id}:role/gha-ecr-push`,
      },
      env: { ...stackEnv(), DOCKER_CONFIG: emptyDockerConfig() },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.main.stdout).toContain(`Logged in to ${BASE.host} for pulls (base-registries)`);
    expect(run.outputs.pushed).toBe('true');
    // Pull-only: nothing of this build went to the base registry.
    expect(run.outputs.targets).not.toContain(BASE.host);
  });
});
