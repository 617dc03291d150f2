import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AMD, DIGEST, nothingYet, report, URI } from '../support/report.js';
import { parse as parseYaml } from 'yaml';
import { renderOutputs } from '../../src/report/outputs.js';
import { buildReport } from '../../src/report/run-report.js';

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

  // run results → the annotations output: what the image gets
  it.each<[string, object, string]>([
    ['no tag plan yet', {}, ''],
    [
      "a build: the user's, rendered (buildx writes them; the OCI defaults it does not)",
      {
        tags: {
          userAnnotations: { 'manifest:a': '1' },
          annotations: { 'org.opencontainers.image.created': 'now' },
        },
      },
      'manifest:a=1',
    ],
    [
      'a merge: what the composed index carries (index-level and plain keys, no creation time)',
      {
        tags: {
          userAnnotations: {},
          annotations: { 'index:b': '2', 'manifest:a': '1', 'org.opencontainers.image.created': 'now' },
        },
        publish: { mode: 'merge', skipped: [] },
      },
      'b=2',
    ],
  ])('annotations: %s', (_name, results, expected) => {
    const built = buildReport(nothingYet(results as Parameters<typeof buildReport>[0]));
    expect(renderOutputs(built).annotations).toBe(expected);
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
