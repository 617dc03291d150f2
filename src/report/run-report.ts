import { indexAnnotations } from '../oci/image-index.js';
import { storedImageMetadata } from '../oci/manifest.js';
import { publishedTags } from '../plan/publish-plan.js';
import type { RunResults, ScanReport, TargetReport } from './results.js';

/** The run as outputs and summary show it: a pure function of the results (buildReport). */
export interface RunReport {
  dryRun: boolean;
  dryRunReason?: string;
  registry?: string;
  repositoryUri?: string;
  account?: string;
  /** Tag names (skipped ones left out) and what the tag engine said. */
  tagNames: string[];
  version: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  tagWarnings: string[];
  ruleNotes: { rule: string; reason: string }[];
  mode?: 'build' | 'reuse' | 'merge';
  /** The builder the build used and why (which one, created or not). */
  builder?: string;
  reuseReason?: string;
  digest?: string;
  imageId?: string;
  metadata?: string;
  platformDigests: Record<string, string>;
  /** The image is in the registry under every planned tag of every target. */
  pushed: boolean;
  targets: TargetReport[];
  unchanged: string[];
  skipped: { tag: string; reason: string }[];
  sizeBytes?: number;
  platforms: string[];
  isIndex?: boolean;
  scan?: ScanReport;
  command?: string;
  awsCalls: string[];
  warnings: string[];
  timings: Record<string, number>;
  error?: string;
  /** The `plan` output: what would be / was built, pushed, reused, skipped. */
  plan: Record<string, unknown>;
}

export function buildReport(results: RunResults): RunReport {
  const { tags, publish, target, build, image, log } = results;
  const tagNames = publishedTags(tags?.tags ?? [], publish);
  const stored =
    results.stored &&
    storedImageMetadata(
      results.stored,
      tagNames.map((tag) => `${target?.uri}:${tag}`),
    );
  const report: Omit<RunReport, 'plan'> = {
    dryRun: results.dryRun,
    dryRunReason: results.dryRunReason,
    registry: target?.host,
    repositoryUri: target?.uri,
    account: results.account,
    tagNames,
    version: tags?.version ?? '',
    labels: tags?.labels ?? {},
    // What the image gets: the user's, rendered (buildx writes them); a composed index its own.
    annotations:
      (publish?.mode === 'merge' ? tags && indexAnnotations(tags.annotations) : tags?.userAnnotations) ?? {},
    tagWarnings: tags?.warnings ?? [],
    ruleNotes: tags?.notes ?? [],
    mode: publish?.mode,
    builder: results.builder,
    reuseReason: publish?.reason,
    digest: results.digest,
    imageId: build ? (build.metadata['containerimage.config.digest'] ?? build.imageId) : stored?.imageId,
    metadata: build ? build.metadataText : stored?.metadata,
    platformDigests: image?.platformDigests ?? {},
    pushed: results.targets.length > 0 && results.targets.every((t) => t.pushed),
    targets: results.targets,
    unchanged: publish?.unchanged ?? [],
    skipped: publish?.skipped ?? [],
    sizeBytes: image?.sizeBytes,
    platforms: results.platforms,
    isIndex: image?.isIndex,
    scan: results.scan,
    command: results.command,
    awsCalls: log.awsCalls,
    warnings: [...log.warnings, ...deniedWarnings(log.denied)],
    timings: log.timings,
    error: results.error,
  };
  return { ...report, plan: planOutput(report, publish) };
}

/**
 * One warning per refused permission, naming it and everything the run went without. Pure.
 */
export function deniedWarnings(denied: RunResults['log']['denied']): string[] {
  const skipped = new Map<string, string[]>();
  for (const { operation, skipped: what } of denied) {
    const list = skipped.get(operation) ?? [];
    if (!list.includes(what)) list.push(what);
    skipped.set(operation, list);
  }
  return [...skipped].map(
    ([operation, what]) =>
      `The role may not call ecr:${operation}: ${what.join('; ')}. Grant ecr:${operation} to have it (README, "IAM": what each extra permission buys).`,
  );
}

function planOutput(report: Omit<RunReport, 'plan'>, p: RunResults['publish']): Record<string, unknown> {
  return {
    dryRun: report.dryRun,
    repositoryUri: report.repositoryUri,
    tags: report.tagNames,
    version: report.version,
    mode: p?.mode ?? 'build',
    reason: p?.reason,
    build: p ? p.mode === 'build' : true,
    push: p?.push ?? report.tagNames,
    retag: p?.put ?? [],
    unchanged: p?.unchanged ?? [],
    skipped: p?.skipped ?? [],
    conflicts: p?.conflicts ?? [],
    command: report.command,
    notes: report.ruleNotes,
    warnings: [...report.tagWarnings, ...report.warnings],
    awsCalls: report.awsCalls,
  };
}
