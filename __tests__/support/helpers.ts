/** Shared fixtures for the core tests: SDK-shaped errors, JWT-shaped tokens, a retry policy that never waits. */
import { EcrError } from '../../src/errors.js';
import type { RetryPolicy } from '../../src/retry.js';
import type { RunContext } from '../../src/context/types.js';
import type { BuildSpec } from '../../src/docker/buildx-args.js';
import type { BuildInputs } from '../../src/inputs/types.js';

/** An AWS SDK v3 service error: `name` is the error code, `$metadata.httpStatusCode` the status. */
export function awsError(name: string, message = `${name} happened`, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

/** ECR refusing the role an operation, as the Ecr adapter explains it. */
export function ecrAccessDenied(operation: string): EcrError {
  return new EcrError(
    `Access denied to ecr:${operation} on host/app: not authorized`,
    'Allow it',
    'EcrAccessDenied',
  );
}

/** An unsigned token shaped like a JWT (header.payload.signature), payload as base64url JSON. */
export function fakeJwt(claims: Record<string, unknown>, signature = 'c2lnbmF0dXJl'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${signature}`;
}

/** A retry policy that retries instantly and records its log lines. */
export function instantRetry(maxAttempts = 3): RetryPolicy & { lines: string[] } {
  const lines: string[] = [];
  return {
    maxAttempts,
    budgetMs: 60_000,
    log: (line) => lines.push(line),
    sleep: async () => {},
    random: () => 0.5,
    lines,
  };
}

export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    ref: 'refs/heads/main',
    sha: '860c1904a1ce19322e91ac35af1ab07466440c37',
    repository: 'acme/app',
    serverUrl: 'https://github.com',
    runId: '9876543210',
    runAttempt: '1',
    now: new Date('2024-05-01T12:00:00Z'),
    act: false,
    ...overrides,
  };
}

/** Build inputs as parseInputs returns them with every default, plus overrides. */
export function buildInputs(overrides: Partial<BuildInputs> = {}): BuildInputs {
  return {
    context: '.',
    buildArgs: [],
    secrets: [],
    secretFiles: [],
    secretEnvs: [],
    labels: [],
    annotations: [],
    platforms: ['linux/amd64'],
    push: true,
    load: false,
    noCache: false,
    pull: false,
    provenance: false,
    sbom: false,
    cache: 'none',
    cacheFrom: [],
    cacheTo: [],
    buildkitImage: 'moby/buildkit:buildx-stable-1',
    driverOpts: [],
    pushByDigest: false,
    buildContexts: [],
    ssh: [],
    addHosts: [],
    ulimits: [],
    allow: [],
    attests: [],
    noCacheFilters: [],
    ...overrides,
  };
}

/** A buildx invocation with nothing set, plus overrides. */
export function buildSpec(overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    context: '.',
    buildArgs: [],
    labels: {},
    annotations: [],
    platforms: [],
    tags: [],
    secrets: [],
    cacheFrom: [],
    cacheTo: [],
    provenance: false,
    sbom: false,
    noCache: false,
    pull: false,
    push: false,
    load: false,
    metadataFile: '/tmp/job/metadata.json',
    iidFile: '/tmp/job/iid',
    ...overrides,
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a rejection');
}
