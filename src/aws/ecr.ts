import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ImageIdentifier,
  ListImagesCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { EcrError } from '../errors.js';
import { explainAwsError } from './aws-errors.js';
import { MEDIA_TYPES } from '../oci/media-types.js';
import { mediaTypeOf } from '../oci/manifest.js';
import type {
  RegistryLogin,
  RepositorySettings,
  RepositoryState,
  StoredImage,
  TagMutability,
} from '../types/registry.js';
import type { ScanState } from '../types/scan.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import type { RegistryTarget } from './registry-host.js';
import { SDK_DEFAULTS, type AwsSession } from './session.js';
import { withTransport } from '../net/transport.js';

/**
 * ECR calls for one registry (account + region). Every call goes through `call()`: the retry
 * policy (except the one call that is not idempotent, StartImageScan) and explained errors.
 */
export class Ecr {
  private readonly client: ECRClient;
  /** Operations ECR refused the role, with the explained error: not asked again (a policy does not change mid-run). */
  private readonly refused = new Map<string, unknown>();

  constructor(
    private readonly target: RegistryTarget,
    private readonly session: AwsSession,
    private readonly retry: RetryPolicy,
  ) {
    this.client = new ECRClient(
      withTransport({ region: target.region, ...SDK_DEFAULTS, credentials: session.credentials }),
    );
  }

  /** The same registry and credentials, another repository (the `REPO-cache` repository). */
  forRepository(repository: string): Ecr {
    const uri = this.target.uri.slice(0, -this.target.repository.length) + repository;
    return new Ecr({ ...this.target, repository, uri }, this.session, this.retry);
  }

  private get ids() {
    return { registryId: this.target.account, repositoryName: this.target.repository };
  }

  /**
   * The one path every ECR call takes: the retry policy (unless `once`), then AWS errors explained.
   * `absentOn` names the one error that is an answer, not a failure ("no such repository",
   * "no scan yet", "already done"): the call then resolves `undefined`.
   */
  private call<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  private call<T>(operation: string, fn: () => Promise<T>, options: CallOptions): Promise<T | undefined>;
  private async call<T>(
    operation: string,
    fn: () => Promise<T>,
    options: CallOptions = {},
  ): Promise<T | undefined> {
    if (this.refused.has(operation)) throw this.refused.get(operation);
    try {
      const attempt = () => fn().catch((error: unknown) => this.renewOnExpiry(error));
      return options.once ? await attempt() : await withRetry(`ecr:${operation}`, attempt, this.retry);
    } catch (error) {
      if (options.absentOn !== undefined && (error as Error).name === options.absentOn) return undefined;
      const explained = explainEcrError(error, operation, this.target);
      if ((explained as { code?: string }).code === 'EcrAccessDenied') this.refused.set(operation, explained);
      throw explained;
    }
  }

  /**
   * ECR said the session expired (a build outlived it, or the clock jumped): the credentials are
   * renewed on the next call, so the failure is worth another attempt.
   */
  private renewOnExpiry(error: unknown): never {
    if (this.session.expire && /^ExpiredToken(?:Exception)?$/.test((error as Error).name)) {
      this.session.expire();
      throw Object.assign(error as Error, { retryable: true });
    }
    throw error;
  }

  /** One GetAuthorizationToken; the password is masked before anything else sees it. */
  async login(mask: (value: string) => void): Promise<RegistryLogin> {
    const out = await this.call('GetAuthorizationToken', () =>
      this.client.send(new GetAuthorizationTokenCommand({})),
    );
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken)
      throw new EcrError('ECR returned no authorization token.', undefined, 'EcrNoToken');
    mask(data.authorizationToken);
    return decodeToken(data.authorizationToken, mask);
  }

  /** The repository's settings, or undefined when it does not exist. */
  async repository(): Promise<RepositoryState | undefined> {
    const out = await this.call(
      'DescribeRepositories',
      () =>
        this.client.send(
          new DescribeRepositoriesCommand({
            registryId: this.target.account,
            repositoryNames: [this.target.repository],
          }),
        ),
      { absentOn: 'RepositoryNotFoundException' },
    );
    const repo = out?.repositories?.[0];
    return repo && toState(repo);
  }

  /**
   * Creates the repository. Already there (a retried call whose first answer was lost, or
   * two matrix jobs creating it at once) is success: the state returned is the repository's own.
   */
  async createRepository(settings: RepositorySettings): Promise<RepositoryState> {
    const out = await this.call(
      'CreateRepository',
      () =>
        this.client.send(
          new CreateRepositoryCommand({
            ...this.ids,
            imageTagMutability: settings.tagMutability,
            imageTagMutabilityExclusionFilters: exclusionFilters(settings),
            imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
            encryptionConfiguration: { encryptionType: settings.encryption, kmsKey: settings.kmsKey },
            tags: settings.repositoryTags.map(({ key, value }) => ({ Key: key, Value: value })),
          }),
        ),
      { absentOn: 'RepositoryAlreadyExistsException' },
    );
    const state = out ? toState(out.repository ?? {}) : await this.repository();
    if (!state) {
      throw new EcrError(
        `Repository '${this.target.repository}' in registry ${this.target.host} was reported to exist, then not found.`,
        'Something deleted it while this job ran; run the job again.',
        'RepositoryVanished',
      );
    }
    if (settings.lifecyclePolicy) await this.putLifecyclePolicy(settings.lifecyclePolicy);
    return state;
  }

  /**
   * Applies the settings named in `apply` (the ones the user set, so a setting left at its
   * default never flips an IMMUTABLE repository) and the lifecycle policy, if any.
   */
  async updateRepository(
    current: RepositoryState,
    settings: RepositorySettings,
    apply: { mutability: boolean; scanOnPush: boolean },
  ): Promise<RepositoryState> {
    const next = { ...current };
    if (apply.mutability) {
      await this.call('PutImageTagMutability', () =>
        this.client.send(
          new PutImageTagMutabilityCommand({
            ...this.ids,
            imageTagMutability: settings.tagMutability,
            imageTagMutabilityExclusionFilters: exclusionFilters(settings),
          }),
        ),
      );
      Object.assign(next, {
        tagMutability: settings.tagMutability,
        mutabilityExclusions: settings.mutabilityExclusions,
      });
    }
    if (apply.scanOnPush) {
      await this.call('PutImageScanningConfiguration', () =>
        this.client.send(
          new PutImageScanningConfigurationCommand({
            ...this.ids,
            imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
          }),
        ),
      );
      next.scanOnPush = settings.scanOnPush;
    }
    if (settings.lifecyclePolicy) await this.putLifecyclePolicy(settings.lifecyclePolicy);
    return next;
  }

  private async putLifecyclePolicy(text: string): Promise<void> {
    await this.call('PutLifecyclePolicy', () =>
      this.client.send(new PutLifecyclePolicyCommand({ ...this.ids, lifecyclePolicyText: text })),
    );
  }

  /** The images behind these tags, in one BatchGetImage: tag → digest and manifest. Missing tags are absent. */
  imagesByTag(tags: string[]): Promise<Map<string, StoredImage>> {
    return this.batchGetImage(
      tags.map((imageTag) => ({ imageTag })),
      (id) => id.imageTag,
    );
  }

  /** The manifest stored under a digest (for an index: its per-platform manifests). */
  async manifest(digest: string): Promise<StoredImage | undefined> {
    return (await this.manifests([digest])).get(digest);
  }

  /** The manifests stored under these digests, in one BatchGetImage; missing digests are absent. */
  manifests(digests: string[]): Promise<Map<string, StoredImage>> {
    return this.batchGetImage(
      digests.map((imageDigest) => ({ imageDigest })),
      (id) => id.imageDigest,
    );
  }

  /** One BatchGetImage: each image found, under the tag or digest `keyOf` picks from its id. */
  private async batchGetImage(
    imageIds: ImageIdentifier[],
    keyOf: (id: ImageIdentifier) => string | undefined,
  ): Promise<Map<string, StoredImage>> {
    const found = new Map<string, StoredImage>();
    if (imageIds.length === 0) return found;
    const out = await this.call('BatchGetImage', () =>
      this.client.send(new BatchGetImageCommand({ ...this.ids, imageIds, acceptedMediaTypes: MEDIA_TYPES })),
    );
    for (const { imageId, imageManifest: manifest, imageManifestMediaType } of out.images ?? []) {
      const key = imageId && keyOf(imageId);
      if (!key || !imageId.imageDigest || !manifest) continue;
      const mediaType = imageManifestMediaType ?? mediaTypeOf(manifest);
      found.set(key, { digest: imageId.imageDigest, manifest, mediaType });
    }
    return found;
  }

  /** Every tag in the repository (for `latest` never moving backwards). */
  async allTags(): Promise<string[]> {
    return [...(await this.tagDigests()).keys()];
  }

  /** Every tag in the repository and the digest it names (ListImages, every page). */
  async tagDigests(): Promise<Map<string, string>> {
    const tags = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const out = await this.call('ListImages', () =>
        this.client.send(
          new ListImagesCommand({
            ...this.ids,
            filter: { tagStatus: 'TAGGED' },
            maxResults: 1000,
            nextToken,
          }),
        ),
      );
      for (const id of out.imageIds ?? []) if (id.imageTag) tags.set(id.imageTag, id.imageDigest ?? '');
      nextToken = out.nextToken;
    } while (nextToken);
    return tags;
  }

  /**
   * Adds a tag to an existing image without moving a layer: PutImage with the stored manifest.
   * The tag already naming this digest is success, also in an IMMUTABLE repository (where a
   * retried PutImage whose first answer was lost is refused with ImageTagAlreadyExistsException).
   */
  async putTag(image: StoredImage, tag: string): Promise<void> {
    try {
      await this.call(
        'PutImage',
        () =>
          this.client.send(
            new PutImageCommand({
              ...this.ids,
              imageManifest: image.manifest,
              imageManifestMediaType: image.mediaType,
              imageDigest: image.digest,
              imageTag: tag,
            }),
          ),
        { absentOn: 'ImageAlreadyExistsException' },
      );
    } catch (error) {
      if (error instanceof EcrError && error.code === 'ImmutableTagConflict') {
        const current = await this.imagesByTag([tag]).catch(() => undefined);
        if (current?.get(tag)?.digest === image.digest) return;
      }
      throw error;
    }
  }

  /**
   * The image just pushed under `digest`, and the `tags` ECR does not show on it, in one
   * BatchGetImage: each tag is asked for with the digest (a tag that names another image or none
   * comes back as a failure, ImageTagDoesNotMatchDigest or ImageNotFound). No tags: the digest alone.
   */
  async pushedImage(digest: string, tags: string[]): Promise<{ image?: StoredImage; unconfirmed: string[] }> {
    const imageIds = tags.length
      ? tags.map((imageTag) => ({ imageDigest: digest, imageTag }))
      : [{ imageDigest: digest }];
    const out = await this.call('BatchGetImage', () =>
      this.client.send(new BatchGetImageCommand({ ...this.ids, imageIds, acceptedMediaTypes: MEDIA_TYPES })),
    );
    const images = (out.images ?? []).filter((i) => i.imageId?.imageDigest === digest && i.imageManifest);
    const confirmed = new Set(images.map((i) => i.imageId?.imageTag));
    const found = images[0];
    return {
      image: found && {
        digest,
        manifest: found.imageManifest!,
        mediaType: found.imageManifestMediaType ?? mediaTypeOf(found.imageManifest!),
      },
      unconfirmed: tags.filter((t) => !confirmed.has(t)),
    };
  }

  /**
   * Starts a basic scan. Sent once: StartImageScan is not idempotent, and basic scanning allows
   * one scan per image per day, so LimitExceededException means a scan of this image exists.
   */
  async startScan(digest: string): Promise<void> {
    await this.call(
      'StartImageScan',
      () => this.client.send(new StartImageScanCommand({ ...this.ids, imageId: { imageDigest: digest } })),
      { once: true, absentOn: 'LimitExceededException' },
    );
  }

  /** One poll of the scan: status and severity counts; undefined when no scan exists yet. */
  async scanFindings(digest: string): Promise<ScanState | undefined> {
    const out = await this.call(
      'DescribeImageScanFindings',
      () =>
        this.client.send(
          new DescribeImageScanFindingsCommand({ ...this.ids, imageId: { imageDigest: digest } }),
        ),
      { absentOn: 'ScanNotFoundException' },
    );
    if (!out) return undefined;
    return {
      status: out.imageScanStatus?.status ?? 'UNKNOWN',
      counts: (out.imageScanFindings?.findingSeverityCounts ?? {}) as Record<string, number>,
    };
  }

  destroy(): void {
    this.client.destroy();
  }
}

interface CallOptions {
  /** The error name that means "not there" or "already done": the call resolves `undefined`. */
  absentOn?: string;
  /** Send once, without retries: for calls that are not idempotent. */
  once?: boolean;
}

/** ECR tokens are base64("AWS:<password>"). Both halves are masked before use. */
export function decodeToken(token: string, mask: (value: string) => void): RegistryLogin {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new EcrError('The ECR authorization token is malformed.', undefined, 'EcrBadToken');
  const password = decoded.slice(colon + 1);
  mask(password);
  return { username: decoded.slice(0, colon), password };
}

function exclusionFilters(settings: RepositoryState) {
  return settings.tagMutability.endsWith('_WITH_EXCLUSION')
    ? settings.mutabilityExclusions.map((filter) => ({ filter, filterType: 'WILDCARD' as const }))
    : undefined;
}

function toState(repo: {
  imageTagMutability?: string;
  imageTagMutabilityExclusionFilters?: { filter?: string }[];
  imageScanningConfiguration?: { scanOnPush?: boolean };
}): RepositoryState {
  return {
    tagMutability: (repo.imageTagMutability ?? 'MUTABLE') as TagMutability,
    mutabilityExclusions: (repo.imageTagMutabilityExclusionFilters ?? []).flatMap((f) =>
      f.filter ? [f.filter] : [],
    ),
    scanOnPush: repo.imageScanningConfiguration?.scanOnPush ?? false,
  };
}

/** AWS errors become messages that say what to do, naming the missing permission or repository. */
export function explainEcrError(error: unknown, operation: string, target: RegistryTarget): unknown {
  const err = error as Error;
  switch (err.name) {
    case 'RepositoryNotFoundException':
      return new EcrError(
        `Repository '${target.repository}' does not exist in registry ${target.host}.`,
        `Set \`create-repository: true\`, or create it: aws ecr create-repository --repository-name ${target.repository} --region ${target.region}${target.account ? ` --registry-id ${target.account}` : ''}`,
        'RepositoryNotFound',
      );
    case 'AccessDeniedException':
    case 'AccessDenied':
      return new EcrError(
        `Access denied to ecr:${operation} on ${target.uri}: ${err.message}`,
        `Allow \`ecr:${operation}\` for this repository in the role's permission policy (ecr:GetAuthorizationToken needs Resource "*").`,
        'EcrAccessDenied',
      );
    case 'ImageTagAlreadyExistsException':
      return new EcrError(
        `${err.message}`,
        'The repository is IMMUTABLE: a tag cannot move once pushed. Use `on-immutable-conflict: skip`, or tag by commit only.',
        'ImmutableTagConflict',
      );
    default:
      return explainAwsError(error, `ecr:${operation}`, target.region, ecrError);
  }
}

const ecrError = (message: string, hint: string | undefined, code: string) =>
  new EcrError(message, hint, code);
