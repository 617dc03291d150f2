import { RegistryClient } from '../oci/registry-client.js';
import type { RegistryLogin, StoredImage } from '../types/registry.js';
import { isPlatformImage, parseManifest } from '../oci/manifest.js';
import type { Ecr } from './ecr.js';
import { registryPath, type RegistryTarget } from './registry-host.js';

/**
 * Labels of an image stored in ECR. ECR's API has no call for an image's config, so
 * the config blob is read through the registry API with the login we already hold
 * (ECR answers blob requests with a redirect to S3, which http-client.ts follows).
 */
export async function readImageLabels(
  target: RegistryTarget,
  image: StoredImage,
  login: RegistryLogin,
  ecr: Ecr,
): Promise<Record<string, string>> {
  let manifest = parseManifest(image.manifest);
  if (manifest.manifests) {
    // An index: the labels live in a platform image, not in attestation entries.
    const child = manifest.manifests.find(isPlatformImage) ?? manifest.manifests[0];
    const stored = child?.digest ? await ecr.manifest(child.digest) : undefined;
    if (!stored) return {};
    manifest = parseManifest(stored.manifest);
  }
  const configDigest = manifest.config?.digest;
  if (!configDigest) return {};
  const blob = await new RegistryClient(target.host, login).getBlob(registryPath(target), configDigest);
  const config = JSON.parse(blob.toString('utf8')) as { config?: { Labels?: Record<string, string> } };
  return config.config?.Labels ?? {};
}
