import { blobDescriptors, parseManifest } from './manifest.js';
import type { RegistryClient } from './registry-client.js';

/**
 * Copies an image byte for byte (so the digest is the same everywhere): every blob
 * the target lacks, child manifests of an index by digest, then the manifest under
 * each tag that does not already name this digest at the target (an IMMUTABLE
 * repository refuses to put it again).
 */
export async function copyImage(
  source: { client: RegistryClient; repository: string },
  target: { client: RegistryClient; repository: string },
  digest: string,
  tags: string[],
): Promise<void> {
  const manifest = await copyManifestTree(source, target, digest);
  for (const tag of tags) {
    if ((await taggedDigest(target, tag)) === digest) continue;
    await target.client.putManifest(target.repository, tag, manifest.body, manifest.mediaType);
  }
}

/**
 * The digest `tag` names at the target. A refused look-up (a push-only role may lack the
 * read permission HEAD needs) counts as unknown: the tag is put, as before this check existed.
 */
async function taggedDigest(
  target: { client: RegistryClient; repository: string },
  tag: string,
): Promise<string | undefined> {
  try {
    return await target.client.headManifest(target.repository, tag);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 401 || status === 403) return undefined;
    throw error;
  }
}

async function copyManifestTree(
  source: { client: RegistryClient; repository: string },
  target: { client: RegistryClient; repository: string },
  digest: string,
): Promise<{ body: Buffer; mediaType: string }> {
  const manifest = await source.client.getManifest(source.repository, digest);
  const parsed = parseManifest(manifest.body.toString('utf8'));
  for (const child of parsed.manifests ?? []) {
    const copied = await copyManifestTree(source, target, child.digest);
    await target.client.putManifest(target.repository, child.digest, copied.body, copied.mediaType);
  }
  for (const blob of blobDescriptors(parsed)) {
    if (await target.client.hasBlob(target.repository, blob.digest)) continue;
    // Streamed from the source straight into the upload: a 1 GiB layer never sits in memory.
    await target.client.putBlob(target.repository, blob, () =>
      source.client.openBlob(source.repository, blob.digest),
    );
  }
  return manifest;
}
