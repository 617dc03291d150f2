/** The one reading of OCI / Docker manifest JSON: descriptors, platforms, size, media type. Pure. */
import type { StoredImage } from '../types/registry.js';
import { MEDIA_TYPES } from './media-types.js';

export interface Descriptor {
  digest: string;
  size?: number;
  mediaType?: string;
  platform?: { os: string; architecture: string; variant?: string };
}

/** An image manifest (config + layers) or an index (manifests), as JSON gives it. */
interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

export function parseManifest(text: string): Manifest {
  return JSON.parse(text) as Manifest;
}

/** The media type a manifest declares, else the one its shape implies (registries may omit it). */
export function mediaTypeOf(manifest: string): string {
  try {
    const parsed = parseManifest(manifest);
    return parsed.mediaType ?? (parsed.manifests ? MEDIA_TYPES[0]! : MEDIA_TYPES[2]!);
  } catch {
    return MEDIA_TYPES[2]!;
  }
}

/** Attestation entries of an index carry the platform unknown/unknown. */
export function isPlatformImage(entry: Descriptor): boolean {
  return entry.platform?.os !== 'unknown';
}

/** Compressed size of a single-platform image (config + layers), as ECR reports it; undefined for an index. */
export function manifestSize(manifest: string): number | undefined {
  const parsed = parseManifest(manifest);
  if (!parsed.layers) return undefined;
  return [parsed.config, ...parsed.layers].reduce((sum, blob) => sum + (blob?.size ?? 0), 0);
}

/** `os/architecture[/variant]`, as buildx writes platforms. */
export function platformName(p: NonNullable<Descriptor['platform']>): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** platform -> manifest digest from an index (attestation entries left out), or the one manifest. */
export function platformDigests(image: StoredImage, fallbackPlatform: string): Record<string, string> {
  const parsed = parseManifest(image.manifest);
  if (!parsed.manifests) return { [fallbackPlatform]: image.digest };
  const out: Record<string, string> = {};
  for (const m of parsed.manifests) {
    const p = m.platform;
    if (!p || !isPlatformImage(m)) continue;
    out[platformName(p)] = m.digest;
  }
  return out;
}

/** The blobs a manifest references (config and layers). */
export function blobDescriptors(manifest: Manifest): Descriptor[] {
  return [manifest.config, ...(manifest.layers ?? [])].flatMap((b) => (b ? [b] : []));
}

/**
 * The `imageid` and `metadata` outputs for an image already in the registry (re-tagged, merged,
 * or pushed by a concurrent run), in the shape buildx's metadata file gives them for a build:
 * the config digest is the image id (the index digest for an index, as buildx's iidfile has it).
 */
export function storedImageMetadata(
  image: StoredImage,
  names: readonly string[],
): { imageId: string; metadata: string } {
  let config: string | undefined;
  try {
    config = parseManifest(image.manifest).config?.digest;
  } catch {
    config = undefined;
  }
  const metadata: Record<string, unknown> = {
    'containerimage.descriptor': {
      mediaType: image.mediaType,
      digest: image.digest,
      size: Buffer.byteLength(image.manifest),
    },
    'containerimage.digest': image.digest,
    ...(config ? { 'containerimage.config.digest': config } : {}),
    'image.name': names.join(','),
  };
  return { imageId: config ?? image.digest, metadata: JSON.stringify(metadata, null, 2) };
}
