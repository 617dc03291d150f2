/**
 * ECR (JSON 1.1, target prefix AmazonEC2ContainerRegistry_V20150921): repositories live in state.ts,
 * images in the account's real docker-registry backend.
 */
import {
  type RepoRecord,
  type Severity,
  type TagMutability,
  createRepository,
  findRepository,
  getScan,
  isTagImmutable,
  listRepositories,
  pollScan,
  seededFindings,
  startScan,
} from '../state.js';
import { accountByHost } from '../topology.js';
import { ALL_MANIFEST_TYPES, MEDIA_TYPES } from '../registry-client.js';
import type { Authenticated } from './credentials.js';
import { authorize } from './iam.js';
import { type ImageDetail, type ImageId, RepositoryImages, formatImageId, sha256Digest } from './images.js';
import { AwsError, epochSeconds } from './protocol.js';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

type Input = Record<string, unknown>;

export interface EcrContext {
  auth: Authenticated;
  registryPassword: string;
  /** The images of a repository, through its registry backend. */
  images(repo: RepoRecord): RepositoryImages;
}

export const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const MUTABILITIES: TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'MUTABLE_WITH_EXCLUSION',
  'IMMUTABLE_WITH_EXCLUSION',
];
const EXCLUSION_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'];
/** Registry tokens (GetAuthorizationToken) last 12 hours. */
export const TOKEN_HOURS = 12;

const invalidParameter = (member: string, constraint: string) =>
  new AwsError(
    'InvalidParameterException',
    `Invalid parameter at '${member}' failed to satisfy constraint: '${constraint}'`,
  );

function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(member, 'must be a string');
  return value;
}

function requiredString(input: Input, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function imageIdsOf(input: Input): ImageId[] | undefined {
  const ids = input.imageIds;
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids)) throw invalidParameter('imageIds', 'must be a list');
  return ids as ImageId[];
}

/** ECR's registry for the request: `registryId` or the caller's account, in the signing region. */
function registryOf(input: Input, ctx: EcrContext) {
  const registryId = optionalString(input, 'registryId') ?? ctx.auth.principal.account;
  if (!/^\d{12}$/.test(registryId))
    throw invalidParameter('registryId', "must satisfy regular expression '[0-9]{12}'");
  return { registryId, host: `${registryId}.dkr.ecr.${ctx.auth.region}.amazonaws.com` };
}

function repositoryOf(input: Input, ctx: EcrContext): RepoRecord {
  const { registryId, host } = registryOf(input, ctx);
  const name = requiredString(input, 'repositoryName');
  const repo = findRepository(host, name);
  if (!repo) {
    throw new AwsError(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
    );
  }
  return repo;
}

function imageNotFound(repo: RepoRecord, id: ImageId): AwsError {
  return new AwsError(
    'ImageNotFoundException',
    `The image with imageId ${formatImageId(id)} does not exist within the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
  );
}

/** Validates the mutability settings of CreateRepository / PutImageTagMutability. */
function mutabilityOf(input: Input): { mutability?: TagMutability; exclusions?: string[] } {
  const mutability = optionalString(input, 'imageTagMutability') as TagMutability | undefined;
  if (mutability !== undefined && !MUTABILITIES.includes(mutability)) {
    throw invalidParameter('imageTagMutability', `must be one of ${MUTABILITIES.join(', ')}`);
  }
  const filters = input.imageTagMutabilityExclusionFilters as
    { filterType?: string; filter?: string }[] | undefined;
  const withExclusion = mutability?.endsWith('_WITH_EXCLUSION') ?? false;
  if (!withExclusion) {
    if (filters?.length) {
      throw invalidParameter(
        'imageTagMutabilityExclusionFilters',
        'exclusion filters can only be specified with MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION',
      );
    }
    return { mutability };
  }
  if (!filters?.length || filters.length > 5) {
    throw invalidParameter(
      'imageTagMutabilityExclusionFilters',
      `${mutability} requires between 1 and 5 filters`,
    );
  }
  for (const f of filters) {
    if (f.filterType !== 'WILDCARD' || !f.filter || !EXCLUSION_FILTER.test(f.filter)) {
      throw invalidParameter(
        'imageTagMutabilityExclusionFilters',
        "filters are {filterType: 'WILDCARD', filter: '[0-9a-zA-Z._*-]{1,128}'}",
      );
    }
  }
  return { mutability, exclusions: filters.map((f) => f.filter!) };
}

function serializeRepository(repo: RepoRecord) {
  return {
    repositoryArn: repo.arn,
    registryId: repo.registryId,
    repositoryName: repo.name,
    repositoryUri: repo.uri,
    createdAt: epochSeconds(repo.createdAt),
    imageTagMutability: repo.imageTagMutability,
    imageTagMutabilityExclusionFilters: repo.mutabilityExclusions?.map((filter) => ({
      filterType: 'WILDCARD',
      filter,
    })),
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
    encryptionConfiguration: { encryptionType: repo.encryptionType, kmsKey: repo.kmsKey },
  };
}

/** Offset-based pagination; the token is opaque to callers. */
function paginate<T>(items: T[], input: Input): { page: T[]; nextToken?: string } {
  const token = optionalString(input, 'nextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('nextToken', 'invalid pagination token');
  const max = typeof input.maxResults === 'number' ? input.maxResults : 100;
  const end = start + max;
  return {
    page: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

const SCAN_DESCRIPTIONS: Record<string, string> = {
  COMPLETE: 'The scan was completed successfully.',
  UNSUPPORTED_IMAGE: 'UnsupportedImageError: The operating system and/or package manager are not supported.',
  FAILED: 'The scan failed.',
};

function scanSummary(repo: RepoRecord, digest: string) {
  const scan = getScan(repo, digest);
  if (!scan) return {};
  return {
    imageScanStatus: { status: scan.status, description: SCAN_DESCRIPTIONS[scan.status] },
    imageScanFindingsSummary:
      scan.status === 'COMPLETE'
        ? {
            imageScanCompletedAt: epochSeconds(scan.completedAt!),
            vulnerabilitySourceUpdatedAt: epochSeconds(scan.startedAt),
            findingSeverityCounts: seededFindings(repo).counts,
          }
        : undefined,
  };
}

function serializeDetail(repo: RepoRecord, d: ImageDetail) {
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    imageDigest: d.digest,
    imageTags: d.tags.length ? d.tags : undefined,
    imageSizeInBytes: d.sizeInBytes,
    imagePushedAt: epochSeconds(d.pushedAt),
    imageManifestMediaType: d.mediaType,
    artifactMediaType: d.artifactMediaType,
    ...scanSummary(repo, d.digest),
  };
}

/** A resolved image id of a single-image operation (StartImageScan, DescribeImageScanFindings). */
async function requireImage(repo: RepoRecord, input: Input, ctx: EcrContext) {
  const id = (input.imageId ?? {}) as ImageId;
  const resolved = await ctx.images(repo).resolve(id);
  if (!resolved) throw imageNotFound(repo, id);
  return { id, digest: resolved.digest };
}

/** Deterministic synthetic findings matching the seeded counts. */
function syntheticFindings(counts: Partial<Record<Severity, number>>) {
  return SEVERITIES.flatMap((severity) =>
    Array.from({ length: counts[severity] ?? 0 }, (_, i) => ({
      name: `CVE-2024-${SEVERITIES.indexOf(severity)}${String(i + 1).padStart(3, '0')}`,
      description: `Seeded ${severity.toLowerCase()} finding ${i + 1} of the local stack.`,
      uri: `https://security-tracker.debian.org/tracker/CVE-2024-${SEVERITIES.indexOf(severity)}${String(i + 1).padStart(3, '0')}`,
      severity,
      attributes: [
        { key: 'package_name', value: 'busybox' },
        { key: 'package_version', value: '1:1.35.0-4' },
      ],
    })),
  );
}

/** PutImage, shared with ECR Public (which has no tag immutability). */
export async function putImage(repo: RepoRecord, input: Input, images: RepositoryImages) {
  const text = requiredString(input, 'imageManifest');
  const tag = optionalString(input, 'imageTag');
  const bytes = Buffer.from(text, 'utf8');
  const digest = sha256Digest(bytes);
  const claimed = optionalString(input, 'imageDigest');
  if (claimed !== undefined && claimed !== digest) {
    throw new AwsError(
      'ImageDigestDoesNotMatchException',
      `The specified image digest '${claimed}' does not match the digest '${digest}' of the manifest.`,
    );
  }
  let parsed: { mediaType?: unknown; schemaVersion?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw invalidParameter('imageManifest', 'Invalid JSON syntax');
  }
  const inManifest = typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  const mediaType =
    optionalString(input, 'imageManifestMediaType') ?? inManifest ?? MEDIA_TYPES.dockerManifest;
  if (inManifest !== undefined && inManifest !== mediaType) {
    throw invalidParameter(
      'imageManifestMediaType',
      `does not match the mediaType '${inManifest}' of the manifest`,
    );
  }

  const existing = await images.resolve(tag === undefined ? { imageDigest: digest } : { imageTag: tag });
  if (existing?.digest === digest) {
    throw new AwsError(
      'ImageAlreadyExistsException',
      `Image with digest '${digest}'${tag === undefined ? '' : ` and tag '${tag}'`} already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`,
    );
  }
  if (existing && tag !== undefined && isTagImmutable(repo, tag)) {
    throw new AwsError(
      'ImageTagAlreadyExistsException',
      `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
    );
  }
  await images.put(bytes, mediaType, digest, tag);
  return {
    image: {
      registryId: repo.registryId,
      repositoryName: repo.name,
      imageId: { imageDigest: digest, imageTag: tag },
      imageManifest: text,
      imageManifestMediaType: mediaType,
    },
  };
}

async function describeImages(repo: RepoRecord, input: Input, ctx: EcrContext) {
  const images = ctx.images(repo);
  const ids = imageIdsOf(input);
  const details: ImageDetail[] = [];
  if (ids) {
    for (const id of ids) {
      const resolved = await images.resolve(id);
      const detail = resolved && (await images.detail(resolved.digest, await images.tagsOf(resolved.digest)));
      if (!detail) throw imageNotFound(repo, id);
      if (!details.some((d) => d.digest === detail.digest)) details.push(detail);
    }
  } else {
    const tagStatus = (input.filter as { tagStatus?: string } | undefined)?.tagStatus ?? 'ANY';
    for (const { digest, tags } of await images.list()) {
      if ((tagStatus === 'TAGGED' && !tags.length) || (tagStatus === 'UNTAGGED' && tags.length)) continue;
      const detail = await images.detail(digest, tags);
      if (detail) details.push(detail);
    }
  }
  const { page, nextToken } = paginate(details, input);
  return { imageDetails: page.map((d) => serializeDetail(repo, d)), nextToken };
}

async function listImages(repo: RepoRecord, input: Input, ctx: EcrContext) {
  const tagStatus = (input.filter as { tagStatus?: string } | undefined)?.tagStatus ?? 'ANY';
  const ids = (await ctx.images(repo).list()).flatMap(({ digest, tags }) => {
    if (!tags.length) return tagStatus === 'TAGGED' ? [] : [{ imageDigest: digest }];
    return tagStatus === 'UNTAGGED' ? [] : tags.map((imageTag) => ({ imageDigest: digest, imageTag }));
  });
  const { page, nextToken } = paginate(ids, input);
  return { imageIds: page, nextToken };
}

async function batchGetImage(repo: RepoRecord, input: Input, ctx: EcrContext) {
  const ids = imageIdsOf(input);
  if (!ids?.length) throw invalidParameter('imageIds', 'Member must have length greater than or equal to 1');
  const accepted = (input.acceptedMediaTypes as string[] | undefined) ?? ALL_MANIFEST_TYPES;
  const images = ctx.images(repo);
  const found = [];
  const failures: { imageId: ImageId; failureCode: string; failureReason: string }[] = [];
  for (const id of ids) {
    const fail = (failureCode: string, failureReason: string) =>
      failures.push({ imageId: id, failureCode, failureReason });
    if (!id.imageDigest && !id.imageTag) {
      fail('MissingDigestAndTag', 'Missing digest and tag');
      continue;
    }
    if (id.imageDigest && !DIGEST.test(id.imageDigest)) {
      fail('InvalidImageDigest', 'Invalid image digest');
      continue;
    }
    const manifest = await images.manifest(id.imageTag ?? id.imageDigest!);
    if (!manifest) {
      fail('ImageNotFound', 'Requested image not found');
    } else if (id.imageDigest && manifest.digest !== id.imageDigest) {
      fail('ImageTagDoesNotMatchDigest', 'Image tag does not match digest');
    } else if (!accepted.includes(manifest.mediaType)) {
      fail(
        'ImageNotFound',
        `Requested image has media type ${manifest.mediaType}, which is not in acceptedMediaTypes`,
      );
    } else {
      found.push({
        registryId: repo.registryId,
        repositoryName: repo.name,
        imageId: { imageDigest: manifest.digest, imageTag: id.imageTag },
        imageManifest: manifest.body.toString('utf8'),
        imageManifestMediaType: manifest.mediaType,
      });
    }
  }
  return { images: found, failures };
}

async function startImageScan(repo: RepoRecord, input: Input, ctx: EcrContext) {
  const { id, digest } = await requireImage(repo, input, ctx);
  // Basic scanning allows one scan per image per 24 hours.
  if (getScan(repo, digest)) {
    throw new AwsError(
      'LimitExceededException',
      'The scan quota per image has been exceeded. Wait and try again.',
    );
  }
  const scan = startScan(repo, digest);
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    imageId: { imageDigest: digest, imageTag: id.imageTag },
    imageScanStatus: { status: scan.status, description: 'The scan is in progress.' },
  };
}

async function describeImageScanFindings(repo: RepoRecord, input: Input, ctx: EcrContext) {
  const { id, digest } = await requireImage(repo, input, ctx);
  const scan = pollScan(repo, digest);
  if (!scan) {
    throw new AwsError(
      'ScanNotFoundException',
      `Image scan does not exist for the image with '${formatImageId(id)}' in the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
    );
  }
  const counts = seededFindings(repo).counts;
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    imageId: { imageDigest: digest, imageTag: id.imageTag },
    imageScanStatus: { status: scan.status, description: SCAN_DESCRIPTIONS[scan.status] },
    imageScanFindings:
      scan.status === 'COMPLETE'
        ? {
            imageScanCompletedAt: epochSeconds(scan.completedAt!),
            vulnerabilitySourceUpdatedAt: epochSeconds(scan.startedAt),
            findingSeverityCounts: counts,
            findings: syntheticFindings(counts),
          }
        : undefined,
  };
}

function createRepo(input: Input, ctx: EcrContext) {
  const { registryId, host } = registryOf(input, ctx);
  const name = requiredString(input, 'repositoryName');
  if (name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) {
    throw invalidParameter(
      'repositoryName',
      `must satisfy regular expression '${REPOSITORY_NAME.source.slice(1, -1)}'`,
    );
  }
  const account = accountByHost(host);
  if (!account) {
    throw invalidParameter(
      'registryId',
      `the local stack serves no registry ${host}: use one of topology's accounts`,
    );
  }
  const { mutability, exclusions } = mutabilityOf(input);
  const encryption = (input.encryptionConfiguration ?? {}) as { encryptionType?: string; kmsKey?: string };
  const encryptionType = (encryption.encryptionType ?? 'AES256') as RepoRecord['encryptionType'];
  if (!['AES256', 'KMS', 'KMS_DSSE'].includes(encryptionType)) {
    throw invalidParameter('encryptionConfiguration.encryptionType', 'must be one of AES256, KMS, KMS_DSSE');
  }
  if (encryption.kmsKey && encryptionType === 'AES256') {
    throw invalidParameter(
      'encryptionConfiguration',
      'kmsKey can only be specified when encryptionType is KMS',
    );
  }
  const scanning = input.imageScanningConfiguration as { scanOnPush?: boolean } | undefined;
  const repo = createRepository(host, name, {
    imageTagMutability: mutability,
    mutabilityExclusions: exclusions,
    scanOnPush: scanning?.scanOnPush ?? false,
    encryptionType,
    kmsKey:
      encryptionType === 'AES256'
        ? undefined
        : (encryption.kmsKey ?? `arn:aws:kms:${account.region}:${registryId}:alias/aws/ecr`),
    tags: (input.tags as { Key: string; Value: string }[] | undefined) ?? [],
  });
  if (!repo) {
    throw new AwsError(
      'RepositoryAlreadyExistsException',
      `The repository with name '${name}' already exists in the registry with id '${registryId}'`,
    );
  }
  return { repository: serializeRepository(repo) };
}

function describeRepositories(input: Input, ctx: EcrContext) {
  const names = input.repositoryNames as string[] | undefined;
  const { registryId, host } = registryOf(input, ctx);
  const repos = names?.length
    ? names.map((name) => repositoryOf({ ...input, registryId, repositoryName: name }, ctx))
    : listRepositories().filter((r) => r.host === host);
  const { page, nextToken } = paginate(repos, input);
  return { repositories: page.map(serializeRepository), nextToken };
}

function getAuthorizationToken(input: Input, ctx: EcrContext) {
  // registryIds is deprecated: the token is the same for every registry; one entry per id asked.
  const ids = (input.registryIds as string[] | undefined) ?? [ctx.auth.principal.account];
  const expiresAt = epochSeconds(new Date(Date.now() + TOKEN_HOURS * 3600 * 1000));
  const authorizationToken = Buffer.from(`AWS:${ctx.registryPassword}`).toString('base64');
  return {
    authorizationData: ids.map((id) => ({
      authorizationToken,
      expiresAt,
      proxyEndpoint: `https://${id}.dkr.ecr.${ctx.auth.region}.amazonaws.com`,
    })),
  };
}

function putImageTagMutability(input: Input, ctx: EcrContext) {
  const repo = repositoryOf(input, ctx);
  const { mutability, exclusions } = mutabilityOf(input);
  if (!mutability) requiredString(input, 'imageTagMutability');
  repo.imageTagMutability = mutability!;
  repo.mutabilityExclusions = exclusions;
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    imageTagMutability: repo.imageTagMutability,
    imageTagMutabilityExclusionFilters: serializeRepository(repo).imageTagMutabilityExclusionFilters,
  };
}

function putImageScanningConfiguration(input: Input, ctx: EcrContext) {
  const repo = repositoryOf(input, ctx);
  const scanning = input.imageScanningConfiguration as { scanOnPush?: boolean } | undefined;
  if (!scanning) requiredString(input, 'imageScanningConfiguration');
  repo.scanOnPush = scanning?.scanOnPush ?? false;
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
  };
}

/** What ECR checks of a lifecycle policy before storing it: JSON with a non-empty `rules` list. */
function validateLifecyclePolicy(text: string): void {
  let rules: unknown;
  try {
    rules = (JSON.parse(text) as { rules?: unknown }).rules;
  } catch {
    throw invalidParameter(
      'lifecyclePolicyText',
      'Lifecycle policy validation failure: Could not map policyString into LifecyclePolicy.',
    );
  }
  if (!Array.isArray(rules) || rules.length === 0) {
    throw invalidParameter(
      'lifecyclePolicyText',
      'Lifecycle policy validation failure: object has missing required properties (["rules"])',
    );
  }
}

function lifecyclePolicy(operation: 'Put' | 'Get', input: Input, ctx: EcrContext) {
  const repo = repositoryOf(input, ctx);
  if (operation === 'Put') {
    const text = requiredString(input, 'lifecyclePolicyText');
    validateLifecyclePolicy(text);
    repo.lifecyclePolicy = text;
  } else if (repo.lifecyclePolicy === undefined) {
    throw new AwsError(
      'LifecyclePolicyNotFoundException',
      `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
    );
  }
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    lifecyclePolicyText: repo.lifecyclePolicy,
  };
}

/** The resources IAM evaluates an ECR request on: the repository ARNs it names, `*` for the token. */
function resourcesOf(operation: string, input: Input, ctx: EcrContext): string[] {
  if (operation === 'GetAuthorizationToken') return ['*'];
  const { registryId } = registryOf(input, ctx);
  const arn = (name: string) => `arn:aws:ecr:${ctx.auth.region}:${registryId}:repository/${name}`;
  if (operation === 'DescribeRepositories') {
    const names = input.repositoryNames as string[] | undefined;
    return names?.length ? names.map(arn) : [arn('*')];
  }
  const name = optionalString(input, 'repositoryName');
  return [arn(name ?? '*')];
}

/** Runs one ECR operation; `operation` is the part of X-Amz-Target after the prefix. */
export async function ecrOperation(operation: string, input: Input, ctx: EcrContext): Promise<unknown> {
  authorize(ctx.auth.principal, `ecr:${operation}`, resourcesOf(operation, input, ctx));
  switch (operation) {
    case 'GetAuthorizationToken':
      return getAuthorizationToken(input, ctx);
    case 'CreateRepository':
      return createRepo(input, ctx);
    case 'DescribeRepositories':
      return describeRepositories(input, ctx);
    case 'PutImageTagMutability':
      return putImageTagMutability(input, ctx);
    case 'PutImageScanningConfiguration':
      return putImageScanningConfiguration(input, ctx);
    case 'PutLifecyclePolicy':
      return lifecyclePolicy('Put', input, ctx);
    case 'GetLifecyclePolicy':
      return lifecyclePolicy('Get', input, ctx);
    case 'DescribeImages':
      return describeImages(repositoryOf(input, ctx), input, ctx);
    case 'ListImages':
      return listImages(repositoryOf(input, ctx), input, ctx);
    case 'BatchGetImage':
      return batchGetImage(repositoryOf(input, ctx), input, ctx);
    case 'PutImage': {
      const repo = repositoryOf(input, ctx);
      return putImage(repo, input, ctx.images(repo));
    }
    case 'StartImageScan':
      return startImageScan(repositoryOf(input, ctx), input, ctx);
    case 'DescribeImageScanFindings':
      return describeImageScanFindings(repositoryOf(input, ctx), input, ctx);
    default:
      throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
  }
}
