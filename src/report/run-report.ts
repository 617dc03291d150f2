/** Everything a run found out, filled in step by step; outputs and summary are rendered from it. */
export interface TargetReport {
  /** HOST/REPO */
  uri: string;
  pushed: boolean;
  digest?: string;
  tags: string[];
  error?: string;
}

export interface ScanReport {
  /** The images scanned: the image, or each platform image of an index (ECR cannot scan an index). */
  digests: string[];
  status: string;
  counts: Record<string, number>;
  verdict: 'passed' | 'failed' | 'unsupported' | 'timeout' | 'not-scanned';
  threshold?: string;
}

export interface RunReport {
  dryRun: boolean;
  dryRunReason?: string;
  registry?: string;
  repositoryUri?: string;
  account?: string;
  /** Tag names and what the tag engine said. */
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
  /** The tags name an image index (attestations or several platforms): Lambda rejects those. */
  isIndex?: boolean;
  scan?: ScanReport;
  /** docker buildx command line (dry runs and the summary); secrets are files, never on it. */
  command?: string;
  /** Read-only AWS calls a dry run made. */
  awsCalls: string[];
  warnings: string[];
  /** Milliseconds per phase. */
  timings: Record<string, number>;
  error?: string;
}

export function emptyReport(dryRun: boolean): RunReport {
  return {
    dryRun,
    tagNames: [],
    version: '',
    labels: {},
    annotations: {},
    tagWarnings: [],
    ruleNotes: [],
    platformDigests: {},
    pushed: false,
    targets: [],
    unchanged: [],
    skipped: [],
    platforms: [],
    awsCalls: [],
    warnings: [],
    timings: {},
  };
}

/** Runs `fn` and records its wall time under `phase`. */
export async function timed<T>(report: RunReport, phase: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    report.timings[phase] = Math.round((report.timings[phase] ?? 0) + performance.now() - started);
  }
}
