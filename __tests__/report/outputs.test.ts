import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderOutputs } from '../../src/report/outputs.js';
import { newLog } from '../../src/report/log.js';
import type { RunResults } from '../../src/report/results.js';
import { buildReport, type RunReport } from '../../src/report/run-report.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const AMD = `sha256:${'1'.repeat(64)}`;

/** The results of a run that has not got anywhere yet. */
function nothingYet(overrides: Partial<RunResults> = {}): RunResults {
  return { log: newLog(), dryRun: false, platforms: [], targets: [], ...overrides };
}

function report(overrides: Partial<RunReport> = {}): RunReport {
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

const ACTION_OUTPUTS = Object.keys(
  (parseYaml(readFileSync('action.yml', 'utf8')) as { outputs: Record<string, unknown> }).outputs,
);

describe('renderOutputs', () => {
  it('sets every output action.yml declares, and nothing else', () => {
    const outputs = renderOutputs(report({ plan: { mode: 'build' } }));
    expect(Object.keys(outputs).sort()).toEqual([...ACTION_OUTPUTS].sort());
    for (const value of Object.values(outputs)) expect(typeof value).toBe('string');
  });

  it('an empty report still sets every output (empty where unknown)', () => {
    const outputs = renderOutputs(buildReport(nothingYet({ dryRun: true })));
    expect(Object.keys(outputs).sort()).toEqual([...ACTION_OUTPUTS].sort());
    expect(outputs.image).toBe('');
    expect(outputs.digest).toBe('');
    expect(outputs.tags).toBe('');
    expect(outputs.pushed).toBe('false');
    expect(outputs['scan-findings']).toBe('');
  });

  // output → value
  const rows: [string, string][] = [
    ['digest', DIGEST],
    ['image', `${URI}@${DIGEST}`],
    ['imageid', `sha256:${'e'.repeat(64)}`],
    ['metadata', JSON.stringify({ 'containerimage.digest': DIGEST })],
    ['tags', `${URI}:860c1904a1ce19322e91ac35af1ab07466440c37\n${URI}:v1.2.3\n${URI}:latest`],
    ['tag-names', '860c1904a1ce19322e91ac35af1ab07466440c37\nv1.2.3\nlatest'],
    ['version', '1.2.3'],
    ['labels', 'org.opencontainers.image.version=1.2.3\norg.opencontainers.image.revision=860c190'],
    ['annotations', 'org.opencontainers.image.title=my-app'],
    ['registry', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['repository-uri', URI],
    ['platform-digests', JSON.stringify({ 'linux/amd64': AMD })],
    ['pushed', 'true'],
    ['reused', 'false'],
    ['aws-account-id', '123456789012'],
    ['targets', JSON.stringify([{ uri: URI, pushed: true, digest: DIGEST, tags: ['v1.2.3'] }])],
    ['scan-findings', ''],
    ['plan', '{"mode":"build"}'],
  ];
  it.each(rows)('%s', (key, value) => {
    expect(renderOutputs(report({ plan: { mode: 'build' } }))[key]).toBe(value);
  });

  it('reuse: reused=true and image points at the existing digest', () => {
    const outputs = renderOutputs(report({ mode: 'reuse' }));
    expect(outputs.reused).toBe('true');
    expect(outputs.image).toBe(`${URI}@${DIGEST}`);
  });

  it('scan findings as JSON counts', () => {
    const outputs = renderOutputs(
      report({
        scan: { digests: ['sha256:a'], status: 'COMPLETE', counts: { HIGH: 2, LOW: 1 }, verdict: 'passed' },
      }),
    );
    expect(JSON.parse(outputs['scan-findings']!)).toEqual({ HIGH: 2, LOW: 1 });
  });

  it('no digest → no image', () => {
    expect(renderOutputs(report({ digest: undefined })).image).toBe('');
  });
});
