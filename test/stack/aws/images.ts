/**
 * ECR's view of the images of a repository, read from and written to the real docker-registry
 * backend: tags, digests, manifests, sizes, push times. Shared by ECR and ECR Public.
 */
import { createHash } from 'node:crypto';
import { type RepoRecord, onManifestPushed } from '../state.js';
import { MEDIA_TYPES, type Manifest, type RegistryClient, RegistryError } from '../registry-client.js';
import { AwsError } from './protocol.js';

export interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

export interface ImageDetail {
  digest: string;
  tags: string[];
  mediaType: string;
  artifactMediaType?: string;
  sizeInBytes: number;
  pushedAt: Date;
}

interface ManifestJson {
  mediaType?: string;
  config?: { mediaType?: string; size?: number };
  layers?: { size?: number }[];
  manifests?: { digest: string }[];
}

const isIndex = (mediaType: string) =>
  mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;

export const sha256Digest = (bytes: Buffer): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** `{imageDigest:'null', imageTag:'v1'}`: how ECR prints an image id in its messages. */
export const formatImageId = (id: ImageId): string =>
  `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;

function parseManifest(body: Buffer): ManifestJson {
  try {
    return JSON.parse(body.toString('utf8')) as ManifestJson;
  } catch {
    return {};
  }
}

/** Images of one repository, seen through its registry backend. */
export class RepositoryImages {
  private readonly name: string;

  constructor(
    private readonly repo: RepoRecord,
    private readonly registry: RegistryClient,
  ) {
    this.name = repo.backendName;
  }

  /** Every image: tagged ones, the manifests their indexes reference, and anything pushed by digest. */
  async list(): Promise<{ digest: string; tags: string[] }[]> {
    const byDigest = new Map<string, string[]>();
    const add = (digest: string, tag?: string) => {
      const tags = byDigest.get(digest) ?? [];
      if (tag) tags.push(tag);
      byDigest.set(digest, tags);
    };
    for (const tag of await this.registry.tags(this.name)) {
      const head = await this.registry.headManifest(this.name, tag);
      if (!head) continue;
      add(head.digest, tag);
      if (isIndex(head.mediaType)) {
        const index = await this.registry.getManifest(this.name, head.digest);
        for (const child of (index && parseManifest(index.body).manifests) ?? []) add(child.digest);
      }
    }
    for (const digest of this.repo.pushedAt.keys()) {
      if (!byDigest.has(digest) && (await this.registry.headManifest(this.name, digest))) add(digest);
    }
    return [...byDigest].map(([digest, tags]) => ({ digest, tags }));
  }

  /** The digest an image id names, and its tag when it names one; undefined when there is no such image. */
  async resolve(id: ImageId): Promise<{ digest: string; tag?: string } | undefined> {
    if (!id.imageDigest && !id.imageTag) return undefined;
    const head = await this.registry.headManifest(this.name, id.imageTag ?? id.imageDigest!);
    if (!head || (id.imageDigest && head.digest !== id.imageDigest)) return undefined;
    return { digest: head.digest, tag: id.imageTag };
  }

  /** Tags currently pointing at `digest`. */
  async tagsOf(digest: string): Promise<string[]> {
    return (await this.list()).find((image) => image.digest === digest)?.tags ?? [];
  }

  async manifest(reference: string, accept?: string[]): Promise<Manifest | undefined> {
    return this.registry.getManifest(this.name, reference, accept);
  }

  /** Layer bytes of a manifest (compressed, as pushed); an index counts as its largest image. */
  async detail(digest: string, tags: string[]): Promise<ImageDetail | undefined> {
    const manifest = await this.registry.getManifest(this.name, digest);
    if (!manifest) return undefined;
    const json = parseManifest(manifest.body);
    let sizeInBytes = (json.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), 0);
    if (isIndex(manifest.mediaType)) {
      for (const child of json.manifests ?? []) {
        sizeInBytes = Math.max(sizeInBytes, (await this.detail(child.digest, []))?.sizeInBytes ?? 0);
      }
    }
    if (!this.repo.pushedAt.has(digest)) this.repo.pushedAt.set(digest, new Date());
    return {
      digest,
      tags,
      mediaType: manifest.mediaType,
      artifactMediaType: json.config?.mediaType,
      sizeInBytes,
      pushedAt: this.repo.pushedAt.get(digest)!,
    };
  }

  /**
   * PutImage: stores the manifest bytes under the tag (or only by digest) in the registry.
   * Tag immutability is the caller's check; here the registry's own refusals become ECR errors.
   */
  async put(manifest: Buffer, mediaType: string, digest: string, tag: string | undefined): Promise<void> {
    try {
      await this.registry.putManifest(this.name, tag ?? digest, manifest, mediaType);
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'MANIFEST_BLOB_UNKNOWN' || err.code === 'MANIFEST_UNKNOWN') {
        throw isIndex(mediaType)
          ? new AwsError(
              'ReferencedImagesNotFoundException',
              'Some of the images referenced by the manifest list do not exist.',
            )
          : new AwsError(
              'LayersNotFoundException',
              'The specified layers could not be found, or the specified layer is not valid for this repository.',
            );
      }
      if (err.status >= 400 && err.status < 500) {
        throw new AwsError(
          'InvalidParameterException',
          `Invalid parameter at 'ImageManifest': ${err.message}`,
        );
      }
      throw new AwsError('ServerException', err.message, 500);
    }
    onManifestPushed(this.repo.host, this.repo.backendName, tag ?? digest, digest);
  }
}
