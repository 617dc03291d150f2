import type { RunReport } from './run-report.js';

/** The action's outputs from the report. Pure; every output is always set (empty when unknown). */
export function renderOutputs(report: RunReport): Record<string, string> {
  const uri = report.repositoryUri ?? '';
  const refs = uri ? report.tagNames.map((tag) => `${uri}:${tag}`) : [];
  const findings = report.scan ? JSON.stringify(report.scan.counts) : '';
  return {
    digest: report.digest ?? '',
    image: uri && report.digest ? `${uri}@${report.digest}` : '',
    imageid: report.imageId ?? '',
    metadata: report.metadata ?? '',
    tags: refs.join('\n'),
    'tag-names': report.tagNames.join('\n'),
    version: report.version,
    labels: Object.entries(report.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    annotations: Object.entries(report.annotations)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    registry: report.registry ?? '',
    'repository-uri': uri,
    'platform-digests': JSON.stringify(report.platformDigests),
    pushed: String(report.pushed),
    reused: String(report.mode === 'reuse'),
    'aws-account-id': report.account ?? '',
    targets: JSON.stringify(report.targets),
    'scan-findings': findings,
    plan: JSON.stringify(report.plan),
  };
}
