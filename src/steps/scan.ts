import type { Ecr } from '../aws/ecr.js';
import { ScanGateError } from '../errors.js';
import { SEVERITIES, type Severity } from '../types/scan.js';
import type { ScanInputs } from '../inputs/types.js';
import { addTiming, type RunLog } from '../report/log.js';
import type { ImageFacts, ScanReport } from '../report/results.js';
import type { Runner } from '../runner/runner.js';
import { isRefused, noteIfDenied } from './permissions.js';

/** The gate's verdict on severity counts. Pure. */
export function judgeFindings(
  counts: Record<string, number>,
  threshold?: Severity,
): { failed: boolean; over: string[] } {
  if (!threshold) return { failed: false, over: [] };
  const limit = SEVERITIES.indexOf(threshold);
  const over = SEVERITIES.slice(0, limit + 1).filter((s) => (counts[s] ?? 0) > 0);
  return { failed: over.length > 0, over };
}

export interface ScanClock {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

const realClock: ScanClock = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => Date.now() };

/** What a scan is asked for: the `scan` inputs, and whether the repository scans on push. */
interface ScanRequest extends Pick<ScanInputs, 'timeoutSeconds' | 'failOnSeverity'> {
  scanOnPush: boolean;
}

/** ECR scans images, not indexes: each platform manifest of an index, never an attestation or the index. Pure. */
export function scanTargets(image: ImageFacts, digest: string): string[] {
  return image.isIndex ? [...new Set(Object.values(image.platformDigests))] : [digest];
}

/**
 * Step 5, `scan: wait`: every image of `digests` scanned at once, each with its own deadline
 * (nothing orders them, and the slowest scan bounds the wait instead of the sum). `scan` is
 * timed once, as the wall time of that wait: per-image timings would add up overlapping time.
 * Returns the reports in the order of `digests` (gateScans judges them); undefined when the role
 * may not scan and no `fail-on-severity` gate needs the answer (noted once, not once per image).
 * Any other failure propagates after every scan settled, so none is left polling.
 */
export async function scanPushed(
  ecr: Ecr,
  digests: string[],
  request: ScanRequest,
  log: RunLog,
  clock: ScanClock = realClock,
): Promise<ScanReport[] | undefined> {
  // An index whose manifest could not be read after the push: its platform images are unknown.
  if (!digests.length) {
    if (request.failOnSeverity) throw unknownPlatforms();
    log.warnings.push(`${UNKNOWN_PLATFORMS} The scan (scan: wait) was skipped.`);
    return undefined;
  }
  const started = clock.now();
  const settled = await Promise.allSettled(digests.map((digest) => scanImage(ecr, digest, request, clock)));
  addTiming(log, 'scan', clock.now() - started);
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  // Without the scan permissions the scan is skipped, unless a gate was asked for: it cannot pass
  // unseen. A failure that is no refusal wins over one: it is a fault, not a role's choice.
  const fault = failures.findIndex((error) => request.failOnSeverity || !isRefused(error));
  if (fault >= 0) throw failures[fault];
  if (failures.length) {
    noteIfDenied(log, failures[0], 'the image was not scanned (scan: wait)');
    return undefined;
  }
  return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
}

/** One image: what its scan said, for the gate to decide. */
async function scanImage(
  ecr: Ecr,
  digest: string,
  { scanOnPush, timeoutSeconds, failOnSeverity }: ScanRequest,
  clock: ScanClock,
): Promise<ScanReport> {
  const deadline = clock.now() + timeoutSeconds * 1000;
  const result: ScanReport = {
    digests: [digest],
    status: 'PENDING',
    counts: {},
    verdict: 'not-scanned',
    threshold: failOnSeverity,
  };
  await pollScan(ecr, digest, scanOnPush, deadline, result, clock);
  if (result.verdict === 'not-scanned')
    result.verdict = judgeFindings(result.counts, failOnSeverity).failed ? 'failed' : 'passed';
  return result;
}

/** Starts the scan unless the repository scans on push, and polls with backoff until it decides or the deadline. */
async function pollScan(
  ecr: Ecr,
  digest: string,
  scanOnPush: boolean,
  deadline: number,
  result: ScanReport,
  clock: ScanClock,
): Promise<void> {
  // A reused image may have been scanned already (ECR allows one scan a day): ask
  // first, and let that answer count as the first poll.
  let known = scanOnPush ? undefined : await ecr.scanFindings(digest);
  if (!scanOnPush && !known) await ecr.startScan(digest);
  let wait = 1000;
  for (;;) {
    const state = known ?? (await ecr.scanFindings(digest));
    known = undefined;
    if (state) {
      result.status = state.status;
      result.counts = state.counts;
      if (state.status === 'COMPLETE' || state.status === 'ACTIVE') break;
      if (state.status === 'UNSUPPORTED_IMAGE' || state.status === 'FAILED') {
        result.verdict = 'unsupported';
        break;
      }
    }
    if (clock.now() + wait > deadline) {
      result.verdict = 'timeout';
      break;
    }
    await clock.sleep(wait);
    wait = Math.min(wait * 2, 15_000);
  }
}

/**
 * `fail-on-severity`: findings at or above it fail the step (the image was pushed: the outputs
 * say so); a scan that could not decide fails it too when a threshold is set, else it warns.
 * Timeouts and unsupported images are reported as such, never passed silently.
 */
function gateScan(scan: ScanReport, timeoutSeconds: number, runner: Pick<Runner, 'warning'>): void {
  const { threshold } = scan;
  const digest = scan.digests.join(', ');
  if (scan.verdict === 'timeout' || scan.verdict === 'unsupported') {
    const why =
      scan.verdict === 'timeout'
        ? `no result within ${timeoutSeconds}s (status ${scan.status})`
        : `status ${scan.status}`;
    if (threshold) {
      throw new ScanGateError(
        `Scan gate could not decide for ${digest}: ${why}.`,
        'The image was pushed. Raise `scan-timeout`, or check the repository scanning configuration (UNSUPPORTED_IMAGE: the base OS is not supported by basic scanning).',
        'ScanUndecided',
      );
    }
    runner.warning(`Image scan of ${digest}: ${why}.`);
    return;
  }
  const verdict = judgeFindings(scan.counts, threshold);
  if (verdict.failed) {
    throw new ScanGateError(
      `Scan gate failed: findings at or above ${threshold}: ${verdict.over.map((s) => `${s}=${scan.counts[s]}`).join(', ')} in ${digest}.`,
      'The image was pushed (see the outputs), but the step fails so later steps do not deploy it. Fix the findings, or raise `fail-on-severity`.',
      'ScanGateFailed',
    );
  }
}

/**
 * The gate over the scans of scanPushed, in the order of its digests once all finished: the
 * image reported is the first failing one in that order, whichever scan finished first.
 */
export function gateScans(
  scans: ScanReport[],
  timeoutSeconds: number,
  runner: Pick<Runner, 'warning'>,
): void {
  for (const scan of scans) gateScan(scan, timeoutSeconds, runner);
}

/** The scans as one report (an index's platform images: counts added up, the worst verdict). Pure. */
export function combineScans(scans: ScanReport[]): ScanReport {
  const counts: Record<string, number> = {};
  for (const scan of scans)
    for (const [severity, n] of Object.entries(scan.counts)) counts[severity] = (counts[severity] ?? 0) + n;
  const rank: ScanReport['verdict'][] = ['failed', 'unsupported', 'timeout', 'not-scanned', 'passed'];
  const verdict = rank.find((v) => scans.some((s) => s.verdict === v)) ?? 'passed';
  const status = scans.find((s) => s.status !== 'COMPLETE')?.status ?? 'COMPLETE';
  return {
    digests: scans.flatMap((s) => s.digests),
    status,
    counts,
    verdict,
    threshold: scans[0]?.threshold,
  };
}

const UNKNOWN_PLATFORMS =
  "The pushed index's platform images are not known: its manifest could not be read after the push.";

/** A gate over images nobody could name cannot pass: it would pass unseen. */
function unknownPlatforms(): ScanGateError {
  return new ScanGateError(
    `${UNKNOWN_PLATFORMS} fail-on-severity cannot be judged without scanning them.`,
    'Allow ecr:BatchGetImage on the repository (part of the push/pull policy), or drop fail-on-severity.',
    'ScanPlatformsUnknown',
  );
}
