/**
 * In-memory ECR state of the AWS emulator: repositories (per registry host), scans and seeded
 * findings. Image content is not here: it lives in the real docker-registry backends.
 *
 * The registry proxy calls `findRepository` (a push to a missing repository is refused, and an
 * immutable repository refuses to move a tag) and `onManifestPushed` (scan on push).
 */
import { ACCOUNTS, PUBLIC_ALIAS, PUBLIC_HOST } from './topology.js';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'MUTABLE_WITH_EXCLUSION' | 'IMMUTABLE_WITH_EXCLUSION';
export type ScanStatus = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'UNSUPPORTED_IMAGE';
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED';

export interface RepoRecord {
  /** Registry host: `<account>.dkr.ecr.<region>.amazonaws.com` or `public.ecr.aws`. */
  host: string;
  registryId: string;
  /** Repository name as ECR knows it (for ECR Public: without the alias). */
  name: string;
  /** Repository name in the backend docker-registry (for ECR Public: `<alias>/<name>`). */
  backendName: string;
  arn: string;
  uri: string;
  createdAt: Date;
  imageTagMutability: TagMutability;
  /** Wildcard filters of the `*_WITH_EXCLUSION` modes: tags they match get the opposite rule. */
  mutabilityExclusions?: string[];
  scanOnPush: boolean;
  encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE';
  kmsKey?: string;
  tags: { Key: string; Value: string }[];
  lifecyclePolicy?: string;
  /** Push times the registry cannot tell us, by digest. */
  pushedAt: Map<string, Date>;
}

export interface ScanRecord {
  status: ScanStatus;
  /** DescribeImageScanFindings calls seen since the scan started: the first one sees IN_PROGRESS. */
  polls: number;
  startedAt: Date;
  completedAt?: Date;
}

export interface SeededFindings {
  counts: Partial<Record<Severity, number>>;
  status?: ScanStatus;
}

const repositories = new Map<string, RepoRecord>();
const scans = new Map<string, ScanRecord>();
const findings = new Map<string, SeededFindings>();

const repoKey = (host: string, name: string) => `${host.toLowerCase()}/${name}`;

/** Repository name as ECR knows it from a path seen by the registry (strips the public alias). */
function ecrName(host: string, name: string): string {
  const prefix = `${PUBLIC_ALIAS}/`;
  return host.toLowerCase() === PUBLIC_HOST && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The repository a registry request for `host`/`name` addresses. For `public.ecr.aws`, `name`
 * may carry the alias (`octo-public/app`) as it appears in registry paths.
 */
export function findRepository(host: string, name: string): RepoRecord | undefined {
  return repositories.get(repoKey(host, ecrName(host, name)));
}

export function listRepositories(): RepoRecord[] {
  return [...repositories.values()];
}

export interface NewRepository {
  imageTagMutability?: TagMutability;
  mutabilityExclusions?: string[];
  scanOnPush?: boolean;
  encryptionType?: RepoRecord['encryptionType'];
  kmsKey?: string;
  tags?: { Key: string; Value: string }[];
}

/** Creates the repository; undefined when it already exists. */
export function createRepository(
  host: string,
  name: string,
  opts: NewRepository = {},
): RepoRecord | undefined {
  const key = repoKey(host, name);
  if (repositories.has(key)) return undefined;
  const isPublic = host === PUBLIC_HOST;
  const registryId = isPublic ? ACCOUNTS[0]!.id : ACCOUNTS.find((a) => a.host === host)!.id;
  const region = isPublic ? 'us-east-1' : ACCOUNTS.find((a) => a.host === host)!.region;
  const record: RepoRecord = {
    host,
    registryId,
    name,
    backendName: isPublic ? `${PUBLIC_ALIAS}/${name}` : name,
    arn: isPublic
      ? `arn:aws:ecr-public::${registryId}:repository/${name}`
      : `arn:aws:ecr:${region}:${registryId}:repository/${name}`,
    uri: isPublic ? `${PUBLIC_HOST}/${PUBLIC_ALIAS}/${name}` : `${host}/${name}`,
    createdAt: new Date(),
    imageTagMutability: opts.imageTagMutability ?? 'MUTABLE',
    mutabilityExclusions: opts.mutabilityExclusions,
    scanOnPush: opts.scanOnPush ?? false,
    encryptionType: opts.encryptionType ?? 'AES256',
    kmsKey: opts.kmsKey,
    tags: opts.tags ?? [],
    pushedAt: new Map(),
  };
  repositories.set(key, record);
  return record;
}

/** ECR's exclusion filters: `*` matches any run of characters. */
function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(value);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether an existing `tag` in this repository may not be moved to another digest. */
export function isTagImmutable(repo: RepoRecord, tag: string): boolean {
  const excluded = (repo.mutabilityExclusions ?? []).some((p) => wildcardMatch(p, tag));
  switch (repo.imageTagMutability) {
    case 'MUTABLE':
      return false;
    case 'IMMUTABLE':
      return true;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
  }
}

const scanKey = (repo: RepoRecord, digest: string) => `${repoKey(repo.host, repo.name)}@${digest}`;

export function startScan(repo: RepoRecord, digest: string): ScanRecord {
  const scan: ScanRecord = { status: 'IN_PROGRESS', polls: 0, startedAt: new Date() };
  scans.set(scanKey(repo, digest), scan);
  return scan;
}

export function getScan(repo: RepoRecord, digest: string): ScanRecord | undefined {
  return scans.get(scanKey(repo, digest));
}

/** Counts one poll of a scan: the first poll after a start sees IN_PROGRESS, later ones the result. */
export function pollScan(repo: RepoRecord, digest: string): ScanRecord | undefined {
  const scan = getScan(repo, digest);
  if (!scan) return undefined;
  scan.polls += 1;
  if (scan.status === 'IN_PROGRESS' && scan.polls > 1) {
    scan.status = seededFindings(repo).status ?? 'COMPLETE';
    scan.completedAt = new Date();
  }
  return scan;
}

/** Findings seeded for a repository name (in any registry), or none. */
export function seededFindings(repo: RepoRecord): SeededFindings {
  return findings.get(repo.name) ?? { counts: {} };
}

export function seedFindings(repository: string, seeded: SeededFindings): void {
  findings.set(repository, seeded);
}

/** Called by the registry proxy after a manifest PUT succeeded. */
export function onManifestPushed(host: string, repository: string, _reference: string, digest: string): void {
  const repo = findRepository(host, repository);
  if (!repo) return;
  if (!repo.pushedAt.has(digest)) repo.pushedAt.set(digest, new Date());
  if (repo.scanOnPush) startScan(repo, digest);
}

export function resetState(): void {
  repositories.clear();
  scans.clear();
  findings.clear();
}
