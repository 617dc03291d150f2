import type { Ecr } from '../aws/ecr.js';
import { readImageLabels } from '../aws/image-labels.js';
import { FINGERPRINT_LABEL } from '../types/build.js';
import { buildEverything, planPublish, type PublishPlan } from '../plan/publish-plan.js';
import { timed, type RunLog } from '../report/log.js';
import type { TagPlan } from '../tags/types.js';
import type { RegistryLogin, StoredImage } from '../types/registry.js';
import type { Job } from './prepare.js';
import type { OpenRegistry } from './registry.js';
import { readPlannedTags, type TagLookup } from './tag-lookup.js';

export interface RunPlan {
  tags: TagPlan;
  publish: PublishPlan;
}

/**
 * Step 3 against the registry: which planned tags exist (one BatchGetImage), whether `latest`
 * would move backwards (ListImages, only when latest=auto added it for a release), and what the
 * run does: build, or re-tag an image built from the same source and configuration.
 */
export async function planRun(job: Job, registry: OpenRegistry, log: RunLog): Promise<RunPlan> {
  const plan = await planAgainst(job, registry, log);
  log.warnings.push(...plan.publish.warnings);
  return plan;
}

/** The primary registry's planned tags: what openRegistry read beside the token, else read now. */
export async function primaryTags(
  job: Job,
  registry: OpenRegistry,
  ecr: Ecr,
  log: RunLog,
): Promise<TagLookup> {
  const early = registry.tagLookup;
  if (!early) return readPlannedTags(job.tags, ecr, log);
  if ('error' in early) throw early.error;
  return early.value;
}

/**
 * The fingerprint label of each distinct image, read in parallel (the config blob, through the
 * registry API). One that cannot be read is a warning and counts as another build.
 */
export async function readFingerprints(
  registry: Pick<OpenRegistry, 'target'>,
  ecr: Ecr,
  login: RegistryLogin,
  images: Iterable<StoredImage>,
  log: RunLog,
): Promise<Map<string, string | undefined>> {
  const distinct = new Map<string, StoredImage>();
  for (const image of images) distinct.set(image.digest, image);
  const fingerprints = new Map<string, string | undefined>();
  await timed(log, 'ecr', () =>
    Promise.all(
      [...distinct.values()].map(async (image) => {
        const labels = await readImageLabels(registry.target, image, login, ecr).catch((error: unknown) => {
          log.warnings.push(
            `Could not read the labels of ${image.digest} (${(error as Error).message}); it is treated as another build.`,
          );
          return {} as Record<string, string>;
        });
        fingerprints.set(image.digest, labels[FINGERPRINT_LABEL]);
      }),
    ),
  );
  return fingerprints;
}

async function planAgainst(job: Job, registry: OpenRegistry, log: RunLog): Promise<RunPlan> {
  const { ecr, login } = registry;
  const planned = job.tags;
  if (!login) return { tags: planned, publish: buildEverything(planned.tags, 'dry run without credentials') };
  if (!ecr)
    return {
      tags: planned,
      publish: buildEverything(planned.tags, 'ECR Public: images are always built and pushed.'),
    };
  if (!registry.exists)
    return { tags: planned, publish: buildEverything(planned.tags, 'the repository does not exist yet.') };

  const { tags, existing } = await primaryTags(job, registry, ecr, log);
  const fingerprints = await readFingerprints(registry, ecr, login, existing.values(), log);
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
