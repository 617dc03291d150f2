import { readImageLabels } from '../aws/image-labels.js';
import { FINGERPRINT_LABEL } from '../plan/fingerprint.js';
import { buildEverything, planPublish, type PublishPlan } from '../plan/publish-plan.js';
import { timed, type RunReport } from '../report/run-report.js';
import { planTags } from '../tags/engine.js';
import { parseFlavor } from '../tags/rules.js';
import type { TagPlan } from '../tags/types.js';
import type { Ecr } from '../aws/ecr.js';
import type { StoredImage } from '../types/registry.js';
import type { Job } from './prepare.js';
import type { OpenRegistry } from './registry.js';

/**
 * The planned tags against the registry: which exist (one BatchGetImage), and whether
 * `latest` would move backwards (ListImages, only when latest=auto adds it).
 */
export async function readPlannedTags(
  job: Job,
  ecr: Ecr,
  report: RunReport,
): Promise<{ tags: TagPlan; existing: Map<string, StoredImage> }> {
  let tags = job.tags;
  // Every tag is needed only when latest=auto would add `latest` (it must not move backwards).
  const checkLatest = tags.latest && parseFlavor(job.inputs.tags.flavor).latest === 'auto';
  const [existing, existingTags] = await timed(report, 'ecr', () =>
    Promise.all([ecr.imagesByTag(tags.tags), checkLatest ? ecr.allTags() : undefined]),
  );
  report.awsCalls.push('ecr:BatchGetImage');
  if (existingTags) {
    report.awsCalls.push('ecr:ListImages');
    tags = planTags(job.ctx, { ...job.tagRequest, existingTags });
    if (job.reuseTag && !tags.tags.includes(job.reuseTag)) tags.tags.push(job.reuseTag);
  }
  return { tags, existing };
}

export interface RegistryPlan {
  tags: TagPlan;
  publish: PublishPlan;
}

/**
 * Steps 3-4 against the registry: which planned tags exist (one BatchGetImage), whether
 * `latest` would move backwards (ListImages, only when latest=auto adds it), and what
 * the run does: build, or re-tag an image built from the same source and configuration.
 */
export async function planAgainstRegistry(
  job: Job,
  registry: OpenRegistry,
  report: RunReport,
): Promise<RegistryPlan> {
  const { ecr } = registry;
  if (!ecr)
    return {
      tags: job.tags,
      publish: buildEverything(job.tags.tags, 'ECR Public: images are always built and pushed.'),
    };
  if (!registry.exists)
    return { tags: job.tags, publish: buildEverything(job.tags.tags, 'the repository does not exist yet.') };
  const { tags, existing } = await readPlannedTags(job, ecr, report);

  const fingerprints = new Map<string, string | undefined>();
  const distinct = new Map<string, StoredImage>();
  for (const image of existing.values()) distinct.set(image.digest, image);
  await timed(report, 'ecr', () =>
    Promise.all(
      [...distinct.values()].map(async (image) => {
        const labels = await readImageLabels(registry.target, image, registry.login, ecr).catch(
          (error: unknown) => {
            report.warnings.push(
              `Could not read the labels of ${image.digest} (${(error as Error).message}); it is treated as another build.`,
            );
            return {} as Record<string, string>;
          },
        );
        fingerprints.set(image.digest, labels[FINGERPRINT_LABEL]);
      }),
    ),
  );

  const publish = planPublish(
    {
      tags: tags.tags,
      reuseTag: job.reuseTag,
      reuseExisting: job.inputs.publish.reuseExisting,
      fingerprint: job.fingerprint,
      onImmutableConflict: job.inputs.publish.onImmutableConflict,
    },
    { repository: registry.repository, existing, fingerprints },
  );
  return { tags, publish };
}
