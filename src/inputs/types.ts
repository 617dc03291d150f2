/** The action's inputs after parsing and validation: what the rest of the code works from. */
import type { CacheMode } from '../types/build.js';
import type { KeyValue } from '../types/key-value.js';
import type { RepositorySettings } from '../types/registry.js';
import type { Severity } from '../types/scan.js';
import type { Flavor, TagRule } from '../tags/types.js';

export interface AuthInputs {
  roleToAssume?: string;
  /** From `aws-region`, else AWS_REGION / AWS_DEFAULT_REGION; may be derived from `registry` when it is a host. */
  region?: string;
  audience: string;
  roleSessionName?: string;
  roleDurationSeconds: number;
  /** Opt-in: write AWS_* variables to GITHUB_ENV for later steps. */
  exportCredentials: boolean;
  // configure-aws-credentials' inputs, with its semantics.
  /** Assume `roleToAssume` with the credentials already in the environment (sts:AssumeRole). */
  roleChaining: boolean;
  /** sts:AssumeRole ExternalId (role chaining). */
  roleExternalId?: string;
  /** Fail unless the credentials belong to one of these accounts. */
  allowedAccountIds: string[];
  maskAccountId: boolean;
  inlineSessionPolicy?: string;
  managedSessionPolicies: string[];
}

/** Proxy inputs; the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply without them (net/proxy.ts). */
export interface NetworkInputs {
  httpProxy?: string;
  noProxy?: string;
}

interface TargetInputs {
  /** 12-digit account id, or a full ECR host (private, FIPS, dual-stack) or `public.ecr.aws/ALIAS`. */
  registry?: string;
  /** Repository name, lowercase; defaults to the GitHub repository's name. */
  repository?: string;
  /** Additional targets: `ACCOUNT/REGION`, ECR hosts, or `public.ecr.aws/ALIAS`; optional `=ROLE_ARN` per target. */
  registries: ExtraTarget[];
  /** Registries logged in to for pulls only (`base-registries`): base images in other accounts. */
  baseRegistries: ExtraTarget[];
}

export interface ExtraTarget {
  /** As written by the user, for messages. */
  spec: string;
  account?: string;
  region?: string;
  host?: string;
  roleToAssume?: string;
}

export interface BuildInputs {
  context: string;
  file?: string;
  target?: string;
  buildArgs: KeyValue[];
  /** `id=value` secrets: values are masked and passed to buildx through a 0600 file, never argv. */
  secrets: KeyValue[];
  /** `id=path` secrets read from files. */
  secretFiles: KeyValue[];
  /** `id=ENV_NAME` secrets whose value is that variable of the step's environment. */
  secretEnvs: KeyValue[];
  labels: KeyValue[];
  annotations: KeyValue[];
  platforms: string[];
  builder?: string;
  buildkitEndpoint?: string;
  /** Image of a docker-container builder the action creates (a mirror avoids Docker Hub). */
  buildkitImage: string;
  /** buildkitd.toml text for a builder the action creates. */
  buildkitdConfigInline?: string;
  /** `key=value` driver options for a builder the action creates. */
  driverOpts: string[];
  /** Overrides the per-image cache scope (gha scope, registry cache tag, local directory). */
  cacheScope?: string;
  /** Push the single-platform image without tags; the digest goes to a later merge. */
  pushByDigest: boolean;
  push: boolean;
  load: boolean;
  noCache: boolean;
  pull: boolean;
  /** false, or a buildx provenance value (`mode=min`, `mode=max`, `true`). */
  provenance: false | string;
  /** false, or buildx `--sbom` attributes (`true`, `generator=IMAGE`). */
  sbom: false | string;
  cache: CacheMode;
  cacheFrom: string[];
  cacheTo: string[];
  // build-push-action's inputs, passed to buildx as it passes them.
  buildContexts: KeyValue[];
  ssh: string[];
  network?: string;
  addHosts: string[];
  shmSize?: string;
  ulimits: string[];
  allow: string[];
  call?: string;
  attests: string[];
  cgroupParent?: string;
  noCacheFilters: string[];
  /** Token for remote git contexts on the GitHub host: the GIT_AUTH_TOKEN build secret. */
  githubToken?: string;
}

interface TagInputs {
  /** The `tags` rules (metadata-action language), parsed; none means the ECR defaults. */
  rules: TagRule[];
  flavor: Flavor;
  prHeadSha: boolean;
}

/** The settings a new repository gets (`lifecyclePolicy` read from the file when the input named a path). */
interface RepositoryInputs extends RepositorySettings {
  create: boolean;
  updateSettings: boolean;
}

interface PublishInputs {
  /** Non-empty: no build; compose these digests into an index under the planned tags. */
  mergeDigests: MergeDigest[];
  onImmutableConflict: 'fail' | 'skip';
  reuseExisting: boolean;
  /** What identifies "the same build": the commit, or the source tree hash of the context. */
  reuseKey: 'commit' | 'tree';
}

export interface ScanInputs {
  mode: 'none' | 'wait';
  failOnSeverity?: Severity;
  timeoutSeconds: number;
}

interface RetryInputs {
  maxAttempts: number;
  budgetSeconds: number;
}

/** One `merge-digests` line: a digest pushed by digest, with its platform when given. */
export interface MergeDigest {
  digest: string;
  platform?: string;
}

interface RunInputs {
  dryRun: boolean;
  buildInDryRun: boolean;
}

/** The inputs by section; each field is one row of the input table (table.ts). */
export interface InputSections {
  auth: AuthInputs;
  network: NetworkInputs;
  target: TargetInputs;
  build: BuildInputs;
  tags: TagInputs;
  repository: RepositoryInputs;
  publish: PublishInputs;
  scan: ScanInputs;
  retry: RetryInputs;
  run: RunInputs;
}

/** Per field: whether the user set its input (rather than leaving it to the default). */
export type GivenInputs = { [S in keyof InputSections]: { [K in keyof InputSections[S]]-?: boolean } };

export interface Inputs extends InputSections {
  given: GivenInputs;
}
