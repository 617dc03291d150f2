import type { RunReport } from './run-report.js';

/** The job summary (markdown). Pure. Says what was pushed and what was not, even after a failure. */
export function renderSummary(report: RunReport): string {
  const lines: string[] = [];
  const title = report.dryRun
    ? 'ecr-build-push: dry run'
    : report.error
      ? 'ecr-build-push: failed'
      : 'ecr-build-push';
  lines.push(`## ${title}`, '');
  if (report.dryRunReason) lines.push(`> ${report.dryRunReason}`, '');
  if (report.error) lines.push('**Error**', '', '```', report.error, '```', '');

  const rows: [string, string][] = [];
  if (report.repositoryUri) rows.push(['Repository', `\`${report.repositoryUri}\``]);
  if (report.digest) rows.push(['Image', `\`${report.repositoryUri}@${report.digest}\``]);
  rows.push(['Pushed', report.dryRun ? 'no (dry run)' : report.pushed ? 'yes' : 'no']);
  if (report.mode)
    rows.push([
      'Mode',
      report.mode === 'reuse'
        ? `reused, not rebuilt: ${report.reuseReason ?? ''}`
        : report.mode === 'merge'
          ? 'merged into an index (no build, no layer moved)'
          : 'built',
    ]);
  if (report.builder) rows.push(['Builder', report.builder]);
  if (report.version) rows.push(['Version', `\`${report.version}\``]);
  if (report.platforms.length) rows.push(['Platforms', report.platforms.join(', ')]);
  if (report.sizeBytes !== undefined) rows.push(['Size', formatBytes(report.sizeBytes)]);
  if (rows.length) {
    lines.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), '');
  }

  if (report.tagNames.length) {
    lines.push('**Tags**', '');
    for (const tag of report.tagNames) {
      const state = report.unchanged.includes(tag) ? ' (already there)' : '';
      lines.push(`- \`${tag}\`${state}`);
    }
    lines.push('');
  }
  if (report.skipped.length) {
    lines.push('**Skipped tags**', '', ...report.skipped.map((s) => `- \`${s.tag}\`: ${s.reason}`), '');
  }
  if (report.targets.length > 1 || report.targets.some((t) => t.error)) {
    lines.push('**Targets**', '', '| Target | Pushed | Digest | Error |', '|---|---|---|---|');
    for (const t of report.targets)
      lines.push(
        `| \`${t.uri}\` | ${t.pushed ? 'yes' : 'no'} | ${t.digest ? `\`${t.digest}\`` : ''} | ${t.error ?? ''} |`,
      );
    lines.push('');
  }
  const platforms = Object.entries(report.platformDigests);
  if (platforms.length > 1 || report.isIndex) {
    lines.push(
      '**Platform digests**',
      '',
      '| Platform | Digest |',
      '|---|---|',
      ...platforms.map(([p, d]) => `| ${p} | \`${d}\` |`),
      '',
    );
  }
  if (report.isIndex) {
    lines.push(
      '> The tags point to an image index (attestations or several platforms). AWS Lambda rejects image indexes: deploy a platform digest above.',
      '',
    );
  }
  if (report.scan) {
    lines.push(
      `**Scan**: ${report.scan.status} (${report.scan.verdict}${report.scan.threshold ? `, threshold ${report.scan.threshold}` : ''})`,
      '',
      `Scanned: ${report.scan.digests.map((d) => `\`${d}\``).join(', ')}`,
      '',
    );
    const counts = Object.entries(report.scan.counts);
    if (counts.length)
      lines.push('| Severity | Findings |', '|---|---|', ...counts.map(([s, n]) => `| ${s} | ${n} |`), '');
  }
  const notes = [
    ...report.warnings,
    ...report.tagWarnings,
    ...report.ruleNotes.map((n) => `${n.rule}: ${n.reason}`),
  ];
  if (notes.length) lines.push('**Notes**', '', ...notes.map((n) => `- ${n}`), '');
  if (report.command) lines.push('**Build command**', '', '```sh', report.command, '```', '');
  if (report.dryRun && report.awsCalls.length)
    lines.push(`**AWS calls made** (read-only): ${report.awsCalls.join(', ')}`, '');
  const timings = Object.entries(report.timings);
  if (timings.length)
    lines.push(
      '**Timings**',
      '',
      '| Phase | ms |',
      '|---|---|',
      ...timings.map(([p, ms]) => `| ${p} | ${ms} |`),
      '',
    );
  return lines.join('\n');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
