/**
 * Typed builders for the phase tests: a recording runner, a Job made by the real prepareJob
 * from raw inputs (as a workflow writes them), and an open registry. No casts: what the tests
 * hand the phases is what main hands them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTarget } from '../../src/aws/registry-host.js';
import type { InputFs } from '../../src/inputs/parsers.js';
import type { Runner } from '../../src/runner/runner.js';
import { prepareJob, type Job, type PrepareDeps } from '../../src/steps/prepare.js';
import type { OpenRegistry } from '../../src/steps/registry.js';
import type { RepositoryState } from '../../src/types/registry.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`;

/** A runner that records everything the action tells it. */
export interface RecordingRunner extends Runner {
  outputs: Record<string, string>;
  state: Record<string, string>;
  exported: Record<string, string>;
  masked: string[];
  log: string[];
  summaries: string[];
}

export function recordingRunner(inputs: Record<string, string>, env: NodeJS.ProcessEnv): RecordingRunner {
  const runner: RecordingRunner = {
    outputs: {},
    state: {},
    exported: {},
    masked: [],
    log: [],
    summaries: [],
    env,
    input: (name) => inputs[name] ?? '',
    setOutput: (name, value) => {
      runner.outputs[name] = value;
    },
    mask: (value) => {
      runner.masked.push(value);
    },
    saveState: (name, value) => {
      runner.state[name] = value;
    },
    exportVariable: (name, value) => {
      runner.exported[name] = value;
    },
    info: (message) => runner.log.push(message),
    notice: (message) => runner.log.push(`notice: ${message}`),
    warning: (message) => runner.log.push(`warning: ${message}`),
    debug: (message) => runner.log.push(`debug: ${message}`),
    group: async (name, fn) => {
      runner.log.push(`::group::${name}`);
      try {
        return await fn();
      } finally {
        runner.log.push('::endgroup::');
      }
    },
    summary: async (markdown) => {
      runner.summaries.push(markdown);
    },
  };
  return runner;
}

/** The workflow environment of a push to main in acme/app, with a private RUNNER_TEMP. */
export function githubEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const temp = mkdtempSync(join(tmpdir(), 'ebp-job-'));
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: temp,
    HOME: temp,
    AWS_REGION: REGION,
    ...overrides,
  };
}

/** A workspace with a Dockerfile at the root and nothing else. */
export const WORKSPACE: InputFs = {
  exists: (path) => path === '.' || path === 'Dockerfile',
  isDirectory: (path) => path === '.',
  readFile: (path) => {
    if (path === 'Dockerfile') return 'FROM scratch\n';
    throw new Error(`ENOENT: ${path}`);
  },
};

export const DEPS: PrepareDeps = {
  now: () => new Date('2024-05-01T12:00:00Z'),
  fs: WORKSPACE,
  treeHash: () => 'a'.repeat(40),
};

/** A Job as prepareJob makes it from these raw inputs, and the runner it was made with. */
export function jobOf(
  inputs: Record<string, string> = {},
  env: NodeJS.ProcessEnv = githubEnv(),
): { job: Job; runner: RecordingRunner } {
  const runner = recordingRunner(inputs, env);
  return { job: prepareJob(runner, DEPS), runner };
}

/** A private ECR registry the run has opened: logged in, with these repository settings. */
export function openedRegistry(
  repository: Partial<RepositoryState> = {},
  target = resolveTarget(ACCOUNT, 'app', REGION, ACCOUNT),
): OpenRegistry {
  return {
    target,
    login: { username: 'AWS', password: 'ecr-password' },
    repository: { tagMutability: 'MUTABLE', mutabilityExclusions: [], scanOnPush: false, ...repository },
    exists: true,
  };
}
