import { registryPath } from '../aws/registry-host.js';
import type { StoredImage } from '../types/registry.js';
import { EcrError } from '../errors.js';
import { composeIndex, parsePlatform, type MergePart, type Platform } from '../oci/image-index.js';
import { planMerge } from '../plan/merge-plan.js';
import { RegistryClient } from '../oci/registry-client.js';
import { timed, type RunReport } from '../report/run-report.js';
import type { Runner } from '../runner/runner.js';
import { readPlannedTags, type RegistryPlan } from './plan.js';
import type { Job } from './prepare.js';
import { assertNoConflicts, finishTargets, startTargets } from './publish.js';
import type { OpenRegistry } from './registry.js';

/**
 * `merge-digests`: no build and no docker. One BatchGetImage reads every listed manifest,
 * the image configs say their platforms (small blob reads, when the entry did not), the
 * index is composed here and PutImage stores it under each planned tag. No layer moves.
 */
export async function publishByMerge(
  job: Job,
  registries: OpenRegistry[],
  runner: Runner,
  report: RunReport,
): Promise<RegistryPlan> {
  const [primary] = registries as [OpenRegistry];
  const ecr = primary.ecr;
  if (!ecr) {
    throw new EcrError(
      'merge-digests needs a private ECR repository (ECR Public has no BatchGetImage for this).',
      'Merge into the private repository, then copy with `registries`.',
      'MergeUnsupported',
    );
  }
  const wanted = job.inputs.publish.mergeDigests;
  const [stored, planned] = await Promise.all([
    timed(report, 'ecr', () => ecr.manifests(wanted.map((w) => w.digest))),
    readPlannedTags(job, ecr, report),
  ]);
  report.awsCalls.push('ecr:BatchGetImage');
  const missing = wanted.filter((w) => !stored.has(w.digest)).map((w) => w.digest);
  if (missing.length) {
    throw new EcrError(
      `merge-digests: ${missing.length} digest(s) not found in ${primary.target.uri}: ${missing.join(', ')}`,
      'Each digest must have been pushed to this repository (push-by-digest: true with the same `repository`); check the job outputs passed to the merge.',
      'MergeDigestNotFound',
    );
  }
  const client = new RegistryClient(primary.target.host, primary.login);
  const parts = await timed(report, 'registry', () =>
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
  const plan = { tags: planned.tags, publish };
  report.tagNames = planned.tags.tags.filter((t) => !publish.skipped.some((s) => s.tag === t));
  assertNoConflicts(publish, primary.target.uri);
  if (publish.put.length === 0 && publish.unchanged.length === 0) {
    throw new EcrError(
      `Nothing to put: every planned tag exists in this ${primary.repository.tagMutability} repository and names another image.`,
      'Plan at least one new tag (for example the commit SHA), or use `on-immutable-conflict: fail` to see the digests.',
      'NothingToPush',
    );
  }
  startTargets(registries, report);
  runner.info(
    `Merging ${Object.keys(index.platformDigests).join(', ')} into ${primary.target.uri}@${index.digest}: ${publish.reason}`,
  );
  await timed(report, 'put-image', () => Promise.all(publish.put.map((tag) => ecr.putTag(image, tag))));
  if (publish.put.length) report.awsCalls.push('ecr:PutImage');
  report.digest = index.digest;
  report.isIndex = true;
  report.platformDigests = index.platformDigests;
  await finishTargets(job, registries, report);
  return plan;
}

/** The platform an image manifest's config names (os, architecture, variant). */
async function configPlatform(
  client: RegistryClient,
  repository: string,
  image: StoredImage,
): Promise<Platform | undefined> {
  const manifest = JSON.parse(image.manifest) as { config?: { digest?: string }; manifests?: unknown };
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
