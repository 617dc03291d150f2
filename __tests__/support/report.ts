/** A report of a successful build and push, for the renderers' tests. */
import { newLog } from '../../src/report/log.js';
import type { RunResults } from '../../src/report/results.js';
import { buildReport, type RunReport } from '../../src/report/run-report.js';

export const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';
export const MIRROR = '210987654321.dkr.ecr.us-east-1.amazonaws.com/my-app';
export const DIGEST = `sha256:${'d'.repeat(64)}`;
export const AMD = `sha256:${'1'.repeat(64)}`;
export const ARM = `sha256:${'2'.repeat(64)}`;

/** The results of a run that has not got anywhere yet. */
export function nothingYet(overrides: Partial<RunResults> = {}): RunResults {
  return { log: newLog(), dryRun: false, platforms: [], targets: [], ...overrides };
}

export function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    ...buildReport(nothingYet()),
    registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    repositoryUri: URI,
    account: '123456789012',
    tagNames: ['860c1904a1ce19322e91ac35af1ab07466440c37', 'v1.2.3', 'latest'],
    version: '1.2.3',
    labels: { 'org.opencontainers.image.version': '1.2.3', 'org.opencontainers.image.revision': '860c190' },
    annotations: { 'org.opencontainers.image.title': 'my-app' },
    mode: 'build',
    reuseReason: 'reuse-existing is off.',
    digest: DIGEST,
    imageId: `sha256:${'e'.repeat(64)}`,
    metadata: JSON.stringify({ 'containerimage.digest': DIGEST }),
    platformDigests: { 'linux/amd64': AMD },
    pushed: true,
    targets: [{ uri: URI, pushed: true, digest: DIGEST, tags: ['v1.2.3'] }],
    platforms: ['linux/amd64'],
    sizeBytes: 3 * 1024 * 1024,
    timings: { credentials: 120, build: 2300 },
    ...overrides,
  };
}
