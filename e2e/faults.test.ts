import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../test/stack/faults.js';
import { allOutput, runAction } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, registryDigest, stackEnv, uniqueRepo } from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
// Fixed labels make the image reproducible, so a faulty run can be compared with a clean one.
const FIXED = {
  labels: 'org.opencontainers.image.created=2026-01-01T00:00:00Z',
  'max-attempts': '4',
  'retry-budget-seconds': '60',
};

/**
 * The fault table: each transient fault is survived and yields the clean run's digest;
 * each misconfiguration fails on the first attempt with its actionable message.
 */
const SURVIVED: { name: string; faults: Fault[]; retried: RegExp }[] = [
  {
    name: 'OIDC endpoint 500 twice',
    faults: [{ target: 'oidc:token', count: 2, kind: 'status', status: 500 }],
    // The STS attempt retries, with a fresh token each time.
    retried:
      /sts:AssumeRoleWithWebIdentity failed \(attempt 2\/4\): AuthError: The OIDC token request failed with HTTP 500/,
  },
  {
    name: 'STS throttled three times',
    faults: [
      {
        target: 'sts:AssumeRoleWithWebIdentity',
        count: 3,
        kind: 'status',
        status: 400,
        code: 'Throttling',
        message: 'Rate exceeded',
      },
    ],
    retried: /sts:AssumeRoleWithWebIdentity failed \(attempt 3\/4\)/,
  },
  {
    name: 'ECR GetAuthorizationToken 500 twice',
    faults: [
      { target: 'ecr:GetAuthorizationToken', count: 2, kind: 'status', status: 500, code: 'ServerException' },
    ],
    retried: /ecr:GetAuthorizationToken failed \(attempt 2\/4\)/,
  },
  {
    name: 'registry 503 on blob upload twice',
    faults: [{ target: 'registry:blob-upload', count: 2, kind: 'status', status: 503 }],
    // dockerd retries uploads itself; ours takes over if it gives up.
    retried: /^/,
  },
  {
    name: 'connection reset during a layer upload',
    faults: [{ target: 'registry:blob-upload', count: 1, kind: 'reset', afterBytes: 4096 }],
    retried: /^/,
  },
  {
    name: 'slow registry (2 s per request)',
    faults: [{ target: 'registry:any', count: 8, kind: 'latency', latencyMs: 2000 }],
    retried: /^/,
  },
];

const REFUSED: { name: string; faults?: Fault[]; inputs?: Record<string, string>; message: RegExp }[] = [
  {
    name: 'STS AccessDenied',
    faults: [
      {
        target: 'sts:AssumeRoleWithWebIdentity',
        count: 1,
        kind: 'status',
        status: 403,
        code: 'AccessDenied',
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      },
    ],
    message: /Not authorized to assume/,
  },
  { name: 'wrong audience', inputs: { audience: 'not-sts' }, message: /audience/ },
  {
    name: 'repository missing',
    inputs: { 'create-repository': 'false' },
    message: /does not exist in registry/,
  },
  {
    name: 'ECR AccessDenied on GetAuthorizationToken',
    faults: [
      {
        target: 'ecr:GetAuthorizationToken',
        count: 1,
        kind: 'status',
        status: 400,
        code: 'AccessDeniedException',
        message: 'not authorized',
      },
    ],
    message: /Allow `ecr:GetAuthorizationToken`/,
  },
];

describe('faults', () => {
  const context = makeContext({ marker: 'fault-table' });
  let cleanDigest = '';

  beforeAll(async () => {
    await client.reset();
    const run = await runAction({
      inputs: { ...baseInputs(uniqueRepo('clean'), context), ...FIXED },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    cleanDigest = run.outputs.digest!;
  });

  beforeEach(() => client.reset());

  it.each(SURVIVED)('survives: $name', async ({ faults, retried }) => {
    const repo = uniqueRepo('fault');
    await client.setFaults(faults);
    const run = await runAction({ inputs: { ...baseInputs(repo, context), ...FIXED }, env: stackEnv() });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(allOutput(run)).toMatch(retried);
    expect(run.outputs.digest).toBe(cleanDigest);
    expect(await registryDigest(repo, SHA)).toBe(cleanDigest);
    expect((await client.getLog()).some((r) => r.fault)).toBe(true);
  });

  it.each(REFUSED)('fails at once: $name', async ({ faults, inputs, message }) => {
    if (faults) await client.setFaults(faults);
    const run = await runAction({
      inputs: { ...baseInputs(uniqueRepo('refused'), context), ...FIXED, ...inputs },
      env: stackEnv(),
    });
    expect(run.main.code).toBe(1);
    expect(allOutput(run)).toMatch(message);
    expect(allOutput(run)).not.toMatch(/retrying in/);
    const log = await client.getLog();
    const perOperation = new Map<string, number>();
    for (const r of log)
      perOperation.set(
        `${r.service}:${r.operation}`,
        (perOperation.get(`${r.service}:${r.operation}`) ?? 0) + 1,
      );
    for (const [op, count] of perOperation) expect(count, op).toBe(1);
  });
});
