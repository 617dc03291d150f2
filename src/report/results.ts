/**
 * What a run produced, phase by phase. main records each phase's result as it returns (a failed
 * phase leaves its field unset); the report is built from this once, at the end.
 */
import type { RegistryTarget } from '../aws/registry-host.js';
import type { BuildResult } from '../docker/buildx.js';
import type { PublishPlan } from '../plan/publish-plan.js';
import type { TagPlan } from '../tags/types.js';
import type { StoredImage } from '../types/registry.js';
import type { Severity } from '../types/scan.js';
import type { RunLog } from './log.js';

export interface RunResults {
  log: RunLog;
  dryRun: boolean;
  /** Why the run is a dry run though `dry-run` is false (act without credentials). */
  dryRunReason?: string;
  platforms: string[];
  tags?: TagPlan;
  account?: string;
  /** The primary registry and repository. */
  target?: RegistryTarget;
  publish?: PublishPlan;
  /** The docker buildx command line; secrets are files, never on it. */
  command?: string;
  /** The builder the build used and why (which one, created or not). */
  builder?: string;
  build?: BuildResult;
  /** The digest the tags name, once the image is in the primary registry. */
  digest?: string;
  image?: ImageFacts;
  /** The image the tags name when it was already in the registry (re-tagged, merged, a concurrent run's push): its id and metadata. */
  stored?: StoredImage;
  targets: TargetReport[];
  scan?: ScanReport;
  /** The failure as users read it. */
  error?: string;
}

/** What the registry says about the published image. */
export interface ImageFacts {
  platformDigests: Record<string, string>;
  sizeBytes?: number;
  /** The tags name an image index (attestations or several platforms): Lambda rejects those. */
  isIndex: boolean;
}

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
  threshold?: Severity;
}
