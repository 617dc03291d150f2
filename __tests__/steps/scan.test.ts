import { describe, expect, it } from 'vitest';
import type { Ecr } from '../../src/aws/ecr.js';
import type { ScanState } from '../../src/types/scan.js';
import { EcrError, ScanGateError } from '../../src/errors.js';
import type { ScanInputs } from '../../src/inputs/types.js';
import type { Severity } from '../../src/types/scan.js';
import { ecrAccessDenied } from '../support/helpers.js';
import { newLog } from '../../src/report/log.js';
import type { ScanReport } from '../../src/report/results.js';
import {
  combineScans,
  gateScans,
  judgeFindings,
  scanPushed,
  scanTargets,
  type ScanClock,
} from '../../src/steps/scan.js';

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
    const scans = await scanPushed(ecr, [DIGEST], { scanOnPush, timeoutSeconds, failOnSeverity }, log, clock);
    result = scans?.[0];
    if (scans) gateScans(scans, timeoutSeconds, { warning: (m) => warnings.push(m) });
  } catch (e) {
    error = e;
  }
  return { error, report: { scan: result, timings: log.timings }, warnings, calls, clock, log };
}

describe('scanPushed and gateScans: one image', () => {
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
    expect(err.message).toContain(`in ${DIGEST}`);
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
    expect(r.warnings).toEqual([`Image scan of ${DIGEST}: no result within 5s (status IN_PROGRESS).`]);
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
    expect(r.warnings).toEqual([`Image scan of ${DIGEST}: status ${status}.`]);
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

/** The platform images of an index, in the order the index lists them. */
const P = [1, 2, 3].map((n) => `sha256:${String(n).repeat(64)}`);

/**
 * A fake ECR (the repository scans on push: polls only) whose answer for each digest waits until
 * the test releases it: a test can see which scans were started before any of them answered.
 */
function heldEcr(answers: Record<string, ScanState | Error>) {
  const polled: string[] = [];
  const answered: string[] = [];
  const gates = new Map<string, () => void>();
  const held = new Map(Object.keys(answers).map((d) => [d, new Promise<void>((r) => gates.set(d, r))]));
  const ecr = {
    startScan: async () => {
      throw new Error('StartImageScan on a repository that scans on push');
    },
    scanFindings: async (digest: string) => {
      polled.push(digest);
      await held.get(digest);
      answered.push(digest);
      const answer = answers[digest];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const release = (digest: string) => gates.get(digest)!();
  return { ecr: ecr as unknown as Ecr, polled, answered, release };
}

/** Lets every pending callback run (the scans start their first poll). */
const settle = () => new Promise((r) => setImmediate(r));

describe('scanPushed: the platform images of an index, scanned at once', () => {
  it.each([[2], [3]])(
    '%i platforms: every scan starts before any answers; `scan` timed once, as the wall',
    async (n) => {
      const digests = P.slice(0, n);
      const fake = heldEcr(Object.fromEntries(digests.map((d) => [d, complete({ LOW: 1 })])));
      const clock = fakeClock();
      const log = newLog();
      const pending = scanPushed(fake.ecr, digests, { scanOnPush: true, timeoutSeconds: 60 }, log, clock);
      await settle();
      // One after another would have polled only the first: its answer is still held.
      expect(fake.polled).toEqual(digests);
      clock.t += 5000;
      for (const d of [...digests].reverse()) fake.release(d);
      const scans = await pending;
      expect(scans?.map((s) => s.digests)).toEqual(digests.map((d) => [d]));
      // The wall of the wait, not 5 s per image.
      expect(log.timings.scan).toBe(5000);
    },
  );

  const fails = complete({ CRITICAL: 1 });
  const passes = complete({ LOW: 2 });
  const refused = () => ecrAccessDenied('DescribeImageScanFindings');
  // name, answers per platform (index order), fail-on-severity → the error (or none), the gated
  // platform named in it, the verdicts returned, the refusals noted
  const rows: {
    name: string;
    answers: (ScanState | Error)[];
    threshold?: Severity;
    error?: string;
    names?: number;
    verdicts?: ScanReport['verdict'][];
    denied: number;
  }[] = [
    {
      name: 'both pass',
      answers: [passes, passes],
      threshold: 'HIGH',
      verdicts: ['passed', 'passed'],
      denied: 0,
    },
    {
      name: 'platform 2 fails, platform 1 passes: platform 2 reported',
      answers: [passes, fails],
      threshold: 'HIGH',
      error: 'ScanGateFailed',
      names: 1,
      verdicts: ['passed', 'failed'],
      denied: 0,
    },
    {
      name: 'both fail: platform 1 reported, whichever answered first',
      answers: [fails, fails, passes],
      threshold: 'HIGH',
      error: 'ScanGateFailed',
      names: 0,
      verdicts: ['failed', 'failed', 'passed'],
      denied: 0,
    },
    {
      name: 'platform 3 undecided, platform 2 fails: platform 2 reported',
      answers: [passes, fails, { status: 'UNSUPPORTED_IMAGE', counts: {} }],
      threshold: 'HIGH',
      error: 'ScanGateFailed',
      names: 1,
      verdicts: ['passed', 'failed', 'unsupported'],
      denied: 0,
    },
    { name: 'every scan refused, no gate: skipped, noted once', answers: [refused(), refused()], denied: 1 },
    {
      name: 'one scan refused, no gate: skipped, noted once',
      answers: [passes, refused(), passes],
      denied: 1,
    },
    {
      name: 'refused with a gate: the refusal fails the step',
      answers: [passes, refused()],
      threshold: 'HIGH',
      error: 'EcrAccessDenied',
      denied: 0,
    },
    {
      name: 'a fault wins over a refusal (a fault is no role choice)',
      answers: [refused(), new Error('socket hang up')],
      error: 'socket hang up',
      denied: 0,
    },
  ];
  it.each(rows)('$name', async ({ answers, threshold, error, names, verdicts, denied }) => {
    const digests = P.slice(0, answers.length);
    const fake = heldEcr(Object.fromEntries(digests.map((d, i) => [d, answers[i]!])));
    const log = newLog();
    const pending = scanPushed(
      fake.ecr,
      digests,
      { scanOnPush: true, timeoutSeconds: 60, failOnSeverity: threshold },
      log,
      fakeClock(),
    );
    await settle();
    // The last platform answers first: the order reported never depends on who finished first.
    for (const d of [...digests].reverse()) fake.release(d);
    let caught: unknown;
    const scans = await pending.catch((e: unknown) => {
      caught = e;
      return undefined;
    });
    try {
      if (scans) gateScans(scans, 60, { warning: () => undefined });
    } catch (e) {
      caught = e;
    }
    expect(scans?.map((s) => s.verdict)).toEqual(verdicts);
    // The reports are whole before the gate judges them: what main records when it throws.
    if (scans) expect(combineScans(scans).digests).toEqual(digests);
    expect(log.denied).toHaveLength(denied);
    if (!error) return expect(caught).toBeUndefined();
    const thrown = caught as Error & { code?: string };
    expect(thrown.code ?? thrown.message).toBe(error);
    if (names === undefined) return;
    expect(thrown.message).toContain(digests[names]);
    for (const other of digests.filter((_, i) => i !== names)) expect(thrown.message).not.toContain(other);
  });

  it('a failure of one scan propagates only after the others settled (none left polling)', async () => {
    const fake = heldEcr({ [P[0]!]: new Error('socket hang up'), [P[1]!]: passes });
    let done = false;
    const pending = scanPushed(
      fake.ecr,
      P.slice(0, 2),
      { scanOnPush: true, timeoutSeconds: 60 },
      newLog(),
      fakeClock(),
    );
    pending.catch(() => undefined).finally(() => (done = true));
    await settle();
    fake.release(P[0]!);
    await settle();
    expect(done).toBe(false);
    fake.release(P[1]!);
    await expect(pending).rejects.toThrow('socket hang up');
    expect(fake.answered).toEqual([P[0], P[1]]);
  });
});

describe('scanTargets: what ECR can scan', () => {
  it.each([
    ['an image: itself', { isIndex: false, platformDigests: { 'linux/amd64': P[0]! } }, [DIGEST]],
    [
      'an index: each platform image once, never the index',
      {
        isIndex: true,
        platformDigests: { 'linux/amd64': P[0]!, 'linux/arm64': P[1]!, 'linux/arm/v7': P[0]! },
      },
      [P[0], P[1]],
    ],
    ['an index whose manifest was not read: nothing', { isIndex: true, platformDigests: {} }, []],
  ])('%s', (_name, image, expected) => {
    expect(scanTargets(image, DIGEST)).toEqual(expected);
  });
});

describe('scanPushed: an index whose platform images are unknown (manifest not read after the push)', () => {
  it.each([
    // [case, gate, error code or undefined, warning]
    ['with a gate: it cannot pass unseen', 'HIGH' as Severity, 'ScanPlatformsUnknown', undefined],
    ['without a gate: skipped, and said', undefined, undefined, /platform images are not known.*skipped/],
  ])('%s', async (_name, failOnSeverity, code, warning) => {
    const { ecr, calls } = fakeEcr([complete({})]);
    const log = newLog();
    const scanning = scanPushed(
      ecr,
      [],
      { scanOnPush: true, timeoutSeconds: 60, failOnSeverity },
      log,
      fakeClock(),
    );
    if (code) {
      const error = await scanning.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ScanGateError);
      expect((error as ScanGateError).code).toBe(code);
      expect((error as Error).message).toMatch(/fail-on-severity cannot be judged/);
      expect(log.warnings).toEqual([]);
    } else {
      expect(await scanning).toBeUndefined();
      expect(log.warnings).toHaveLength(1);
      expect(log.warnings[0]).toMatch(warning!);
    }
    expect(calls).toEqual([]);
  });
});

describe('gateScans: warnings of an index without a gate', () => {
  it('each platform that could not be decided is named: two warnings, one per digest', () => {
    const undecided = (digest: string): ScanReport => ({
      digests: [digest],
      status: 'IN_PROGRESS',
      counts: {},
      verdict: 'timeout',
    });
    const warnings: string[] = [];
    gateScans([undecided(P[0]!), undecided(P[1]!)], 30, { warning: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      `Image scan of ${P[0]}: no result within 30s (status IN_PROGRESS).`,
      `Image scan of ${P[1]}: no result within 30s (status IN_PROGRESS).`,
    ]);
  });
});
