import { describe, expect, it } from 'vitest';
import type { Ecr } from '../../src/aws/ecr.js';
import type { ScanState } from '../../src/types/scan.js';
import { EcrError, ScanGateError } from '../../src/errors.js';
import type { ScanInputs } from '../../src/inputs/types.js';
import type { Severity } from '../../src/types/scan.js';
import { ecrAccessDenied } from '../support/helpers.js';
import { newLog } from '../../src/report/log.js';
import type { ScanReport } from '../../src/report/results.js';
import { combineScans, gateScan, judgeFindings, scanImage, type ScanClock } from '../../src/steps/scan.js';

const DIGEST = `sha256:${'f'.repeat(64)}`;

describe('judgeFindings', () => {
  // counts, threshold → failed, over
  const rows: [Record<string, number>, Severity | undefined, boolean, string[]][] = [
    [{ CRITICAL: 1 }, undefined, false, []],
    [{}, 'LOW', false, []],
    [{ CRITICAL: 1 }, 'CRITICAL', true, ['CRITICAL']],
    [{ HIGH: 4 }, 'CRITICAL', false, []],
    [{ CRITICAL: 1 }, 'HIGH', true, ['CRITICAL']],
    [{ CRITICAL: 1, HIGH: 2, MEDIUM: 3 }, 'HIGH', true, ['CRITICAL', 'HIGH']],
    [{ MEDIUM: 3, LOW: 9 }, 'HIGH', false, []],
    [{ MEDIUM: 3 }, 'MEDIUM', true, ['MEDIUM']],
    [{ LOW: 1 }, 'LOW', true, ['LOW']],
    [{ CRITICAL: 0, HIGH: 0 }, 'LOW', false, []],
    [{ INFORMATIONAL: 12, UNDEFINED: 3 }, 'LOW', false, []],
    [{ UNTRIAGED: 2, HIGH: 1 }, 'MEDIUM', true, ['HIGH']],
  ];
  it.each(rows)('%j with threshold %s → failed %s', (counts, threshold, failed, over) => {
    expect(judgeFindings(counts, threshold)).toEqual({ failed, over });
  });
});

/** A fake ECR that answers the polls in order (the last answer repeats) and records calls. */
function fakeEcr(answers: (ScanState | Error | undefined)[]) {
  const calls: string[] = [];
  let i = 0;
  const ecr = {
    startScan: async (digest: string) => {
      calls.push(`start:${digest}`);
    },
    scanFindings: async (digest: string) => {
      calls.push(`poll:${digest}`);
      const answer = answers[Math.min(i, answers.length - 1)];
      i++;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { ecr: ecr as unknown as Ecr, calls };
}

function fakeClock(): ScanClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

const IN_PROGRESS: ScanState = { status: 'IN_PROGRESS', counts: {} };
const complete = (counts: Record<string, number>): ScanState => ({ status: 'COMPLETE', counts });

async function gate(
  scan: Partial<ScanInputs>,
  answers: (ScanState | Error | undefined)[],
  scanOnPush = false,
) {
  const { ecr, calls } = fakeEcr(answers);
  const clock = fakeClock();
  const warnings: string[] = [];
  const log = newLog();
  const { timeoutSeconds, failOnSeverity }: Partial<ScanInputs> = { timeoutSeconds: 60, ...scan };
  let error: unknown;
  let result: ScanReport | undefined;
  try {
    result = await scanImage(ecr, DIGEST, scanOnPush, timeoutSeconds, failOnSeverity, log, clock);
    if (result) gateScan(result, DIGEST, timeoutSeconds, { warning: (m) => warnings.push(m) });
  } catch (e) {
    error = e;
  }
  return { error, report: { scan: result, timings: log.timings }, warnings, calls, clock, log };
}

describe('scanImage and gateScan', () => {
  it.each<[string, Severity | undefined, boolean]>([
    ['without a gate: skipped, the refused permission noted', undefined, false],
    ['with fail-on-severity: the refusal fails the step (a gate cannot pass unseen)', 'HIGH', true],
  ])('a role without the scan permissions, %s', async (_name, failOnSeverity, fails) => {
    const r = await gate({ failOnSeverity }, [ecrAccessDenied('DescribeImageScanFindings')]);
    expect(r.report.scan).toBeUndefined();
    if (fails) {
      expect((r.error as EcrError).code).toBe('EcrAccessDenied');
      expect(r.log.denied).toEqual([]);
    } else {
      expect(r.error).toBeUndefined();
      expect(r.log.denied).toEqual([
        { operation: 'DescribeImageScanFindings', skipped: 'the image was not scanned (scan: wait)' },
      ]);
    }
  });

  it('a failure that is no refused permission propagates', async () => {
    const r = await gate({}, [new Error('socket hang up')]);
    expect((r.error as Error).message).toBe('socket hang up');
    expect(r.log.denied).toEqual([]);
  });

  it('polls IN_PROGRESS then COMPLETE with backoff, and passes under the threshold', async () => {
    const r = await gate({ failOnSeverity: 'HIGH' }, [
      undefined,
      IN_PROGRESS,
      IN_PROGRESS,
      complete({ MEDIUM: 2, LOW: 1 }),
    ]);
    expect(r.error).toBeUndefined();
    // Asked first (no scan yet), started, then polled until COMPLETE.
    expect(r.calls).toEqual([`poll:${DIGEST}`, `start:${DIGEST}`, ...Array(3).fill(`poll:${DIGEST}`)]);
    expect(r.clock.sleeps).toEqual([1000, 2000]);
    expect(r.report.scan).toEqual({
      digests: [DIGEST],
      status: 'COMPLETE',
      counts: { MEDIUM: 2, LOW: 1 },
      verdict: 'passed',
      threshold: 'HIGH',
    });
    expect(r.warnings).toEqual([]);
  });

  it('an image scanned before (a reused image): no StartImageScan, which ECR allows once a day', async () => {
    const r = await gate({ failOnSeverity: 'HIGH' }, [complete({ LOW: 1 })]);
    expect(r.calls).toEqual([`poll:${DIGEST}`]);
    expect(r.report.scan?.verdict).toBe('passed');
  });

  it('scan on push: no StartImageScan', async () => {
    const r = await gate({}, [complete({})], true);
    expect(r.calls).toEqual([`poll:${DIGEST}`]);
    expect(r.report.scan?.verdict).toBe('passed');
  });

  it('enhanced scanning reports ACTIVE: treated as a result', async () => {
    const r = await gate({ failOnSeverity: 'CRITICAL' }, [{ status: 'ACTIVE', counts: { HIGH: 1 } }], true);
    expect(r.error).toBeUndefined();
    expect(r.report.scan?.verdict).toBe('passed');
  });

  it('fails on CRITICAL with threshold HIGH, naming the counts', async () => {
    const r = await gate({ failOnSeverity: 'HIGH' }, [
      IN_PROGRESS,
      complete({ CRITICAL: 1, HIGH: 2, LOW: 5 }),
    ]);
    expect(r.error).toBeInstanceOf(ScanGateError);
    const err = r.error as ScanGateError;
    expect(err.code).toBe('ScanGateFailed');
    expect(err.message).toContain('CRITICAL=1, HIGH=2');
    expect(err.message).not.toContain('LOW');
    expect(err.hint).toContain('pushed');
    expect(r.report.scan?.verdict).toBe('failed');
    expect(r.report.scan?.counts).toEqual({ CRITICAL: 1, HIGH: 2, LOW: 5 });
  });

  it('findings without a threshold: reported, not failed', async () => {
    const r = await gate({}, [complete({ CRITICAL: 3 })]);
    expect(r.error).toBeUndefined();
    expect(r.report.scan?.verdict).toBe('passed');
    expect(r.report.scan?.counts).toEqual({ CRITICAL: 3 });
  });

  it('times out with a threshold → ScanGateError (ScanUndecided)', async () => {
    const r = await gate({ failOnSeverity: 'HIGH', timeoutSeconds: 10 }, [IN_PROGRESS]);
    expect(r.error).toBeInstanceOf(ScanGateError);
    expect((r.error as ScanGateError).code).toBe('ScanUndecided');
    expect((r.error as ScanGateError).message).toContain('no result within 10s (status IN_PROGRESS)');
    expect(r.report.scan?.verdict).toBe('timeout');
    // Never sleeps past the deadline.
    expect(r.clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    expect(r.clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('times out without a threshold → a warning, no failure', async () => {
    const r = await gate({ timeoutSeconds: 5 }, [IN_PROGRESS]);
    expect(r.error).toBeUndefined();
    expect(r.report.scan?.verdict).toBe('timeout');
    expect(r.warnings).toEqual(['Image scan: no result within 5s (status IN_PROGRESS).']);
  });

  it('no scan ever appears: times out with status PENDING', async () => {
    const r = await gate({ timeoutSeconds: 2 }, [undefined]);
    expect(r.report.scan?.verdict).toBe('timeout');
    expect(r.warnings[0]).toContain('status PENDING');
  });

  it('backoff is capped at 15 s', async () => {
    const r = await gate({ timeoutSeconds: 120 }, [IN_PROGRESS]);
    expect(r.clock.sleeps).toEqual([1000, 2000, 4000, 8000, ...Array(7).fill(15000)]);
  });

  // status → with threshold: error code; without: warning
  const unsupported: [string][] = [['UNSUPPORTED_IMAGE'], ['FAILED']];
  it.each(unsupported)('%s is reported: warning without a threshold', async (status) => {
    const r = await gate({}, [IN_PROGRESS, { status, counts: {} }]);
    expect(r.error).toBeUndefined();
    expect(r.report.scan).toMatchObject({ status, verdict: 'unsupported' });
    expect(r.warnings).toEqual([`Image scan: status ${status}.`]);
  });

  it.each(unsupported)('%s is reported: ScanGateError with a threshold', async (status) => {
    const r = await gate({ failOnSeverity: 'CRITICAL' }, [{ status, counts: {} }]);
    expect(r.error).toBeInstanceOf(ScanGateError);
    expect((r.error as ScanGateError).code).toBe('ScanUndecided');
    expect((r.error as ScanGateError).message).toContain(`status ${status}`);
    expect((r.error as ScanGateError).hint).toContain('UNSUPPORTED_IMAGE');
    expect(r.report.scan?.verdict).toBe('unsupported');
  });

  it('records the scan timing', async () => {
    const r = await gate({}, [complete({})]);
    expect(r.report.timings).toHaveProperty('scan');
  });
});

describe('combineScans: the platform images of an index', () => {
  const scan = (
    verdict: ScanReport['verdict'],
    counts: Record<string, number>,
    status = 'COMPLETE',
  ): ScanReport => ({
    digests: [`sha256:${verdict}`],
    status,
    counts,
    verdict,
    threshold: 'HIGH',
  });
  it.each([
    [
      'both pass: counts added',
      [scan('passed', { LOW: 1 }), scan('passed', { LOW: 2, MEDIUM: 1 })],
      'passed',
      { LOW: 3, MEDIUM: 1 },
    ],
    ['one fails: failed', [scan('passed', {}), scan('failed', { HIGH: 1 })], 'failed', { HIGH: 1 }],
    ['one timed out: timeout', [scan('timeout', {}, 'IN_PROGRESS'), scan('passed', {})], 'timeout', {}],
  ])('%s', (_name, scans, verdict, counts) => {
    const combined = combineScans(scans);
    expect(combined.verdict).toBe(verdict);
    expect(combined.counts).toEqual(counts);
    expect(combined.digests).toEqual(scans.map((s) => s.digests[0]));
  });
});
