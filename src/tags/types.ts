import type { VersionRef } from './latest.js';
import type { KeyValue } from '../types/key-value.js';
import type { TagReference } from './references.js';

export interface TagRequest {
  /** The parsed `tags` input (metadata-action rules); none = the ECR defaults. */
  rules: TagRule[];
  flavor: Flavor;
  /** Pull requests: tag the head commit rather than the merge commit. */
  prHeadSha: boolean;
  /** User labels (override the OCI defaults). */
  labels: KeyValue[];
  /** User annotations. */
  annotations: KeyValue[];
}

export interface TagPlan {
  /** Tag names (not full references), in metadata-action's order, deduplicated, valid. */
  tags: string[];
  /** The version resolved by the highest-priority rule (metadata-action's `version` output). */
  version: string;
  /** OCI labels + user labels. */
  labels: Record<string, string>;
  /** Annotations (OCI defaults + user), keys without level prefix: what a composed index (merge) gets. */
  annotations: Record<string, string>;
  /** The user's annotations, `{{…}}` rendered: what buildx writes on a built image. */
  userAnnotations: Record<string, string>;
  /** Rewrites (invalid characters, over-long tags) and withheld `latest`: one line each, naming the rule. */
  warnings: string[];
  /** Rules that produced nothing for this event and why. */
  notes: { rule: string; reason: string }[];
  /**
   * The tag that names this commit's image, whatever the sha rule's prefix, suffix or format (the
   * long form when both are there): what reuse looks for. Undefined without a `type=sha` tag.
   */
  commitTag?: string;
  /** Full image references given in `tags`: each must name a target (checkTagReferences). */
  references: TagReference[];
  /**
   * Set when `latest=auto` added `latest` for a release version: the repository's existing
   * tags decide whether it stays (`latest` never moves backwards, see settleLatest).
   */
  latestGuard?: LatestGuard;
}

export interface LatestGuard {
  /** The tag `latest` was added as (flavored). */
  tag: string;
  version: VersionRef;
  prefix: string;
  suffix: string;
  /** The rule that decided, as messages name it. */
  rule: string;
  /** The warning that came with adding the tag (a rewritten `latest`), dropped with it. */
  warning?: string;
}

export type TagRuleType = 'schedule' | 'semver' | 'pep440' | 'match' | 'edge' | 'ref' | 'raw' | 'sha';

/** Attributes every rule type takes. */
interface RuleBase {
  /** 1-based line in the `tags` input; 0 for the built-in ECR defaults. */
  line: number;
  /** The rule as written (trimmed), for messages; defaults read `default: …`. */
  text: string;
  /** `true`, `false` or a `{{…}}` expression that renders to one of them. */
  enable: string;
  priority: number;
  /** Undefined = the flavor's prefix/suffix applies (metadata-action: an explicit attribute replaces it). */
  prefix?: string;
  suffix?: string;
  /** What metadata-action accepts but is likely a mistake (ignored attributes, unknown names...). */
  warnings?: string[];
}

export type TagRule =
  | (RuleBase & { type: 'schedule'; pattern: string })
  | (RuleBase & {
      type: 'semver' | 'pep440';
      pattern: string;
      /** Version to use instead of the git tag ('' = the git tag). */
      value: string;
      /** Regex applied to the version source; capture group 1 is the version ('' = none). */
      match: string;
      /** ECR defaults only: skip when the major version is 0. */
      skipZeroMajor?: boolean;
    })
  | (RuleBase & { type: 'match'; pattern: string; group: number; value: string })
  | (RuleBase & { type: 'edge'; branch: string })
  | (RuleBase & { type: 'ref'; event: 'branch' | 'tag' | 'pr' })
  | (RuleBase & {
      type: 'raw';
      value: string;
      /** A build-push-action image reference in `tags`: its name is checked against the targets. */
      reference?: TagReference;
    })
  | (RuleBase & { type: 'sha'; format: 'short' | 'long' });

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  /** Apply `prefix` to `latest` too. */
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
  /** As on a rule: accepted, but likely a mistake. */
  warnings?: string[];
}
