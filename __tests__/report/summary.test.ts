import { describe, expect, it } from 'vitest';
import { AMD, ARM, DIGEST, MIRROR, nothingYet, report, URI } from '../support/report.js';
import { buildReport } from '../../src/report/run-report.js';
import { renderSummary } from '../../src/report/summary.js';

describe('renderSummary', () => {
  it('a successful build: title, image, tags, size, timings', () => {
    const md = renderSummary(report());
    expect(md.split('\n')[0]).toBe('## ecr-build-push');
    expect(md).toContain(`| Image | \`${URI}@${DIGEST}\` |`);
    expect(md).toContain('| Pushed | yes |');
    expect(md).toContain('| Mode | built |');
    expect(md).toContain('| Size | 3.0 MiB |');
    expect(md).toContain('- `v1.2.3`');
    expect(md).toContain('| build | 2300 |');
    expect(md).not.toContain('**Targets**');
    expect(md).not.toContain('Lambda');
  });

  it('partial failure: lists the targets pushed and not pushed, and the error', () => {
    const md = renderSummary(
      report({
        pushed: false,
        error: 'docker push to 210987654321.dkr.ecr.us-east-1.amazonaws.com failed: denied',
        targets: [
          { uri: URI, pushed: true, digest: DIGEST, tags: ['v1.2.3'] },
          { uri: MIRROR, pushed: false, tags: ['v1.2.3'], error: 'denied: not authorized' },
        ],
      }),
    );
    expect(md.split('\n')[0]).toBe('## ecr-build-push: failed');
    expect(md).toContain('docker push to 210987654321.dkr.ecr.us-east-1.amazonaws.com failed: denied');
    expect(md).toContain('| Pushed | no |');
    expect(md).toContain('**Targets**');
    expect(md).toContain(`| \`${URI}\` | yes | \`${DIGEST}\` |  |`);
    expect(md).toContain(`| \`${MIRROR}\` | no |  | denied: not authorized |`);
  });

  it('one target that failed is still listed', () => {
    const md = renderSummary(
      report({ pushed: false, targets: [{ uri: URI, pushed: false, tags: [], error: 'boom' }] }),
    );
    expect(md).toContain(`| \`${URI}\` | no |  | boom |`);
  });

  it('an image index: platform digests and the Lambda warning', () => {
    const md = renderSummary(
      report({ isIndex: true, platformDigests: { 'linux/amd64': AMD, 'linux/arm64': ARM } }),
    );
    expect(md).toContain('**Platform digests**');
    expect(md).toContain(`| linux/amd64 | \`${AMD}\` |`);
    expect(md).toContain(`| linux/arm64 | \`${ARM}\` |`);
    expect(md).toMatch(/image index.*Lambda rejects/);
  });

  it('the scan table with verdict and threshold', () => {
    const md = renderSummary(
      report({
        scan: {
          digests: ['sha256:a', 'sha256:b'],
          status: 'COMPLETE',
          counts: { CRITICAL: 1, HIGH: 3 },
          verdict: 'failed',
          threshold: 'HIGH',
        },
      }),
    );
    expect(md).toContain('**Scan**: COMPLETE (failed, threshold HIGH)');
    expect(md).toContain('Scanned: `sha256:a`, `sha256:b`');
    expect(md).toContain('| Severity | Findings |');
    expect(md).toContain('| CRITICAL | 1 |');
    expect(md).toContain('| HIGH | 3 |');
  });

  it('a dry run: title, reason, not pushed, the command and the read-only calls', () => {
    const md = renderSummary(
      report({
        ...buildReport(nothingYet({ dryRun: true })),
        repositoryUri: URI,
        tagNames: ['v1.2.3'],
        dryRunReason: 'Running under act, which has no OIDC',
        command: `docker buildx build --tag ${URI}:v1.2.3 .`,
        awsCalls: ['ecr:BatchGetImage', 'ecr:DescribeRepositories'],
      }),
    );
    expect(md.split('\n')[0]).toBe('## ecr-build-push: dry run');
    expect(md).toContain('> Running under act, which has no OIDC');
    expect(md).toContain('| Pushed | no (dry run) |');
    expect(md).toContain('```sh');
    expect(md).toContain(`docker buildx build --tag ${URI}:v1.2.3 .`);
    expect(md).toContain('**AWS calls made** (read-only): ecr:BatchGetImage, ecr:DescribeRepositories');
  });

  it('reuse: mode with the reason, unchanged and skipped tags, notes', () => {
    const md = renderSummary(
      report({
        mode: 'reuse',
        reuseReason: 'v1 already holds an image',
        unchanged: ['860c1904a1ce19322e91ac35af1ab07466440c37'],
        skipped: [{ tag: 'latest', reason: 'immutable tag already points at sha256:abc' }],
        warnings: ['Repository is IMMUTABLE: tag(s) latest are meant to move'],
        ruleNotes: [{ rule: 'type=semver,pattern={{version}}', reason: 'not a tag ref' }],
      }),
    );
    expect(md).toContain('| Mode | reused, not rebuilt: v1 already holds an image |');
    expect(md).toContain('- `860c1904a1ce19322e91ac35af1ab07466440c37` (already there)');
    expect(md).toContain('- `latest`: immutable tag already points at sha256:abc');
    expect(md).toContain('- Repository is IMMUTABLE: tag(s) latest are meant to move');
    expect(md).toContain('- type=semver,pattern={{version}}: not a tag ref');
  });

  // bytes → rendered size
  const sizes: [number, string][] = [
    [512, '512 B'],
    [2048, '2.0 KiB'],
    [5 * 1024 * 1024 + 512 * 1024, '5.5 MiB'],
  ];
  it.each(sizes)('size %i → %s', (bytes, text) => {
    expect(renderSummary(report({ sizeBytes: bytes }))).toContain(`| Size | ${text} |`);
  });
});
