import { createHash } from 'node:crypto';
import { ActionError } from '../errors.js';
import type { StoredImage } from '../types/registry.js';
import { isPlatformImage, parseManifest, platformName, type Descriptor } from './manifest.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export type Platform = NonNullable<Descriptor['platform']>;

/** One `merge-digests` entry, read from ECR: the manifest text and, for an image manifest, its platform. */
export interface MergePart {
  digest: string;
  mediaType: string;
  manifest: string;
  /** Given as `platform=sha256:…`, else read from the image config (undefined for an index). */
  platform?: Platform;
}

export function parsePlatform(text: string): Platform {
  const [os = '', architecture = '', variant] = text.split('/');
  return variant ? { os, architecture, variant } : { os, architecture };
}

/**
 * Annotations of the index from the tag engine's: `index:` keys and plain keys. The
 * creation time is left out: a re-run must compose the same bytes (the same digest), so
 * an IMMUTABLE repository sees a no-op instead of a conflict.
 */
export function indexAnnotations(annotations: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    const plain = key.startsWith('index:') ? key.slice('index:'.length) : key;
    if (plain.includes(':') || plain === 'org.opencontainers.image.created') continue;
    out[plain] = value;
  }
  return out;
}

/** The descriptors one part contributes: itself, or (an index: a build with attestations) its entries. */
function descriptors(part: MergePart): Descriptor[] {
  const parsed = parseManifest(part.manifest);
  // Entries are carried as stored (annotations of attestation entries included).
  if (parsed.manifests) return parsed.manifests;
  if (!part.platform) {
    throw new ActionError(
      `merge-digests: the platform of ${part.digest} is unknown (its image config names none).`,
      'Write the entry as PLATFORM=DIGEST, e.g. linux/arm64=sha256:…',
      'MergePlatformUnknown',
    );
  }
  return [
    {
      mediaType: part.mediaType,
      digest: part.digest,
      size: Buffer.byteLength(part.manifest, 'utf8'),
      platform: part.platform,
    },
  ];
}

/**
 * The OCI image index of the parts, in the order given. Pure and deterministic: the same
 * parts and annotations always give the same bytes. Two entries for one platform are an
 * error (a matrix that built a platform twice), not a silent pick.
 */
export function composeIndex(parts: MergePart[], annotations: Record<string, string>): StoredImage {
  const manifests = parts.flatMap(descriptors);
  const seen = new Map<string, string>();
  for (const d of manifests) {
    if (!d.platform || !isPlatformImage(d)) continue;
    const name = platformName(d.platform);
    const other = seen.get(name);
    if (other && other !== d.digest) {
      throw new ActionError(
        `merge-digests: two images for ${name}: ${other} and ${d.digest}.`,
        'List one digest per platform (each matrix job builds one platform).',
        'MergeDuplicatePlatform',
      );
    }
    seen.set(name, d.digest);
  }
  const unique = manifests.filter((d, i) => manifests.findIndex((e) => e.digest === d.digest) === i);
  const annotated = indexAnnotations(annotations);
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: unique,
    ...(Object.keys(annotated).length ? { annotations: annotated } : {}),
  };
  const manifest = JSON.stringify(index);
  return {
    manifest,
    digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
    mediaType: OCI_INDEX,
  };
}
