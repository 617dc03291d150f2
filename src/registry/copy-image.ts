import type { RegistryClient } from './registry-client.js';

type Manifest = {
  config?: { digest: string };
  layers?: { digest: string }[];
  manifests?: { digest: string }[];
};

export interface CopyResult {
  /** Blobs uploaded (missing at the target). */
  blobsCopied: number;
  bytesCopied: number;
}

/**
 * Copies an image byte for byte (so the digest is the same everywhere): every blob
 * the target lacks, child manifests of an index by digest, then the manifest under
 * each tag.
 */
export async function copyImage(
  source: { client: RegistryClient; repository: string },
  target: { client: RegistryClient; repository: string },
  digest: string,
  tags: string[],
): Promise<CopyResult> {
  const result: CopyResult = { blobsCopied: 0, bytesCopied: 0 };
  const manifest = await copyManifestTree(source, target, digest, result);
  for (const tag of tags)
    await target.client.putManifest(target.repository, tag, manifest.body, manifest.mediaType);
  return result;
}

async function copyManifestTree(
  source: { client: RegistryClient; repository: string },
  target: { client: RegistryClient; repository: string },
  digest: string,
  result: CopyResult,
): Promise<{ body: Buffer; mediaType: string }> {
  const manifest = await source.client.getManifest(source.repository, digest);
  const parsed = JSON.parse(manifest.body.toString('utf8')) as Manifest;
  for (const child of parsed.manifests ?? []) {
    const copied = await copyManifestTree(source, target, child.digest, result);
    await target.client.putManifest(target.repository, child.digest, copied.body, copied.mediaType);
  }
  const blobs = [parsed.config, ...(parsed.layers ?? [])].flatMap((b) => (b ? [b.digest] : []));
  for (const blob of blobs) {
    if (await target.client.hasBlob(target.repository, blob)) continue;
    const data = await source.client.getBlob(source.repository, blob);
    await target.client.putBlob(target.repository, blob, data);
    result.blobsCopied += 1;
    result.bytesCopied += data.length;
  }
  return manifest;
}
