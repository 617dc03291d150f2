import { registryPath } from '../aws/registry-host.js';
import { EcrError } from '../errors.js';
import { composeIndex, parsePlatform, type MergePart, type Platform } from '../oci/image-index.js';
import { parseManifest } from '../oci/manifest.js';
import { RegistryClient } from '../oci/registry-client.js';
import { planMerge } from '../plan/merge-plan.js';
import type { PublishPlan } from '../plan/publish-plan.js';
import { timed, type RunLog } from '../report/log.js';
import type { StoredImage } from '../types/registry.js';
import { primaryTags, type RunPlan } from './plan.js';
import type { Job } from './prepare.js';
import type { OpenRegistry } from './registry.js';

/**
 * `merge-digests`, the plan: no build and no docker. One BatchGetImage reads every listed
 * manifest, the image configs say their platforms (small blob reads, when the entry did not),
 * the index is composed here and planned under the tags like a build's image. What it puts is
 * then a re-tag of that index (retag in publish.ts): PutImage, no layer moves.
 */
export async function planMergeRun(
  job: Job,
  primary: OpenRegistry,
  log: RunLog,
): Promise<RunPlan & { publish: PublishPlan & { image: StoredImage } }> {
  const { ecr, login } = primary;
  if (!ecr || !login) {
    throw new EcrError(
      'merge-digests needs a private ECR repository (ECR Public has no BatchGetImage for this).',
      'Merge into the private repository, then copy with `registries`.',
      'MergeUnsupported',
    );
  }
  const wanted = job.inputs.publish.mergeDigests;
  const [stored, planned] = await Promise.all([
    timed(log, 'ecr', () => ecr.manifests(wanted.map((w) => w.digest))),
    primaryTags(job, primary, ecr, log),
  ]);
  log.awsCalls.push('ecr:BatchGetImage');
  const missing = wanted.filter((w) => !stored.has(w.digest)).map((w) => w.digest);
  if (missing.length) {
    throw new EcrError(
      `merge-digests: ${missing.length} digest(s) not found in ${primary.target.uri}: ${missing.join(', ')}`,
      'Each digest must have been pushed to this repository (push-by-digest: true with the same `repository`); check the job outputs passed to the merge.',
      'MergeDigestNotFound',
    );
  }
  const client = new RegistryClient(primary.target.host, login);
  const parts = await timed(log, 'registry', () =>
    Promise.all(
      wanted.map(async ({ digest, platform }): Promise<MergePart> => {
        const image = stored.get(digest)!;
        return {
          ...image,
          platform: platform
            ? parsePlatform(platform)
            : await configPlatform(client, registryPath(primary.target), image),
        };
      }),
    ),
  );
  const index = composeIndex(parts, planned.tags.annotations);
  const image: StoredImage = { digest: index.digest, manifest: index.manifest, mediaType: index.mediaType };
  const publish = planMerge(
    planned.tags.tags,
    image,
    planned.existing,
    primary.repository,
    job.inputs.publish.onImmutableConflict,
  );
  log.warnings.push(...publish.warnings);
  return { tags: planned.tags, publish: { ...publish, image } };
}

/** A merge that would put nothing: every planned tag names another image and is skipped. */
export function assertSomethingToPut(plan: PublishPlan, repository: OpenRegistry['repository']): void {
  if (plan.put.length > 0 || plan.unchanged.length > 0) return;
  throw new EcrError(
    `Nothing to put: every planned tag exists in this ${repository.tagMutability} repository and names another image.`,
    'Plan at least one new tag (for example the commit SHA), or use `on-immutable-conflict: fail` to see the digests.',
    'NothingToPush',
  );
}

/** The platform an image manifest's config names (os, architecture, variant). */
async function configPlatform(
  client: RegistryClient,
  repository: string,
  image: StoredImage,
): Promise<Platform | undefined> {
  const manifest = parseManifest(image.manifest);
  if (manifest.manifests || !manifest.config?.digest) return undefined;
  const config = JSON.parse((await client.getBlob(repository, manifest.config.digest)).toString('utf8')) as {
    os?: string;
    architecture?: string;
    variant?: string;
  };
  if (!config.os || !config.architecture) return undefined;
  return {
    os: config.os,
    architecture: config.architecture,
    ...(config.variant ? { variant: config.variant } : {}),
  };
}
