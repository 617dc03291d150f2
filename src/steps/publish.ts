import { setTimeout as sleep } from 'node:timers/promises';
import { manifestSize, platformDigests } from '../oci/manifest.js';
import { isIndexMediaType } from '../oci/media-types.js';
import { registryPath } from '../aws/registry-host.js';
import { EcrError } from '../errors.js';
import type { StoredImage } from '../types/registry.js';
import { movingFamilies, movingTagFixes } from '../plan/moving-tags.js';
import { isImmutableTag, type PublishPlan } from '../plan/publish-plan.js';
import { copyImage } from '../oci/copy-image.js';
import { RegistryClient } from '../oci/registry-client.js';
import { withRetry } from '../retry.js';
import { timed, type RunReport } from '../report/run-report.js';
import type { Runner } from '../runner/runner.js';
import { runBuild, type PreparedBuild } from './build.js';
import type { RegistryPlan } from './plan.js';
import type { Job } from './prepare.js';
import type { OpenRegistry } from './registry.js';

/** Fails before any build when immutable tags would have to move. */
export function assertNoConflicts(plan: PublishPlan, uri: string): void {
  if (plan.conflicts.length === 0) return;
  const list = plan.conflicts.map((c) => `  ${uri}:${c.tag} -> ${c.digest}`).join('\n');
  throw new EcrError(
    `The repository is immutable and ${plan.conflicts.length} planned tag(s) already point at another image:\n${list}`,
    'Nothing was built or pushed. Use `on-immutable-conflict: skip` to push the other tags and leave these, drop these tags from `tags`, or use IMMUTABLE_WITH_EXCLUSION for moving tags such as latest.',
    'ImmutableTagConflict',
  );
}

/**
 * Step 5, re-tag: the image for this source and configuration exists, so the missing
 * tags are added with PutImage (in parallel). No docker, no files, no layer moves.
 */
export async function publishByRetag(
  job: Job,
  plan: RegistryPlan,
  registries: OpenRegistry[],
  runner: Runner,
  report: RunReport,
): Promise<void> {
  const [primary] = registries as [OpenRegistry];
  const { publish: pp } = plan;
  const image = pp.image!;
  startTargets(registries, report);
  runner.info(`Reusing ${primary.target.uri}@${image.digest}: ${pp.reason}`);
  await timed(report, 'put-image', () => Promise.all(pp.put.map((tag) => primary.ecr!.putTag(image, tag))));
  report.digest = image.digest;
  report.sizeBytes = manifestSize(image.manifest);
  report.platformDigests = platformDigests(image, defaultPlatform(job));
  report.isIndex = isIndexMediaType(image.mediaType);
  await convergeMovingTags(primary, runner, report);
  await finishTargets(job, registries, report);
}

/**
 * Step 5, build: one buildx invocation builds and pushes the primary registry's new
 * tags; ECR then confirms the tags and gives the size.
 */
export async function publishByBuild(
  job: Job,
  registries: OpenRegistry[],
  build: PreparedBuild,
  runner: Runner,
  report: RunReport,
): Promise<void> {
  const [primary] = registries as [OpenRegistry];
  startTargets(registries, report);
  let result;
  try {
    result = await runBuild(job, build, runner, report);
  } catch (error) {
    const image = await concurrentPush(error, primary, report);
    if (!image) throw error;
    runner.info(
      `Another run of this commit pushed ${report.tagNames.join(', ')} at the same time (the repository is immutable): using its image ${image.digest}.`,
    );
    report.digest = image.digest;
    report.sizeBytes = manifestSize(image.manifest);
    report.platformDigests = platformDigests(image, defaultPlatform(job));
    report.isIndex = isIndexMediaType(image.mediaType);
    await finishTargets(job, registries, report);
    return;
  }
  report.digest = result.metadata['containerimage.digest'];
  if (!report.digest) {
    throw new EcrError(
      'buildx finished without reporting an image digest (metadata file has no containerimage.digest).',
    );
  }
  report.isIndex = isIndexMediaType(result.metadata['containerimage.descriptor']?.mediaType ?? '');
  if (report.isIndex) {
    const index = primary.ecr
      ? await timed(report, 'ecr', () => primary.ecr!.manifest(report.digest!))
      : undefined;
    report.platformDigests = index ? platformDigests(index, defaultPlatform(job)) : {};
    // Never hand out the index digest as a platform's: Lambda would get an index.
    if (!index)
      report.warnings.push('The pushed image is an index and its platform digests could not be read.');
  } else {
    report.platformDigests = { [defaultPlatform(job)]: report.digest };
  }
  if (primary.ecr) {
    const described = await timed(report, 'ecr', () => primary.ecr!.describe(report.digest!));
    report.sizeBytes = described?.sizeBytes;
    const missing = report.tagNames.filter((t) => !described?.tags.includes(t));
    if (missing.length)
      report.warnings.push(
        `After the push, ECR does not list tag(s) ${missing.join(', ')} on ${report.digest}.`,
      );
  }
  await convergeMovingTags(primary, runner, report);
  await finishTargets(job, registries, report);
}

/**
 * Releases pushed at the same time race for `latest`, `MAJOR` and `MAJOR.MINOR`: after the push,
 * where they point is read again and each one held by an older release than the highest of its
 * family is re-pointed there (PutImage, no layer moves). Every run does it, so the last to finish
 * leaves them right. Tags the repository keeps immutable never move.
 */
async function convergeMovingTags(primary: OpenRegistry, runner: Runner, report: RunReport): Promise<void> {
  const ecr = primary.ecr;
  const moving = report.tagNames.filter((t) => !isImmutableTag(t, primary.repository));
  const ours = { tags: moving, version: report.version };
  // Not a release, or no moving tag: nothing can race, no call made.
  if (!ecr || movingFamilies(ours).families.length === 0) return;
  const repository = await timed(report, 'ecr', () => ecr.tagDigests());
  const fixes = movingTagFixes(ours, repository);
  for (const fix of fixes) {
    const image = await timed(report, 'ecr', () => ecr.manifest(fix.digest));
    if (!image) continue;
    await timed(report, 'put-image', () => ecr.putTag(image, fix.tag));
    const line = `Moving tag ${fix.tag} was held by an older release: re-pointed to ${fix.release} (${fix.digest}).`;
    runner.info(line);
    report.warnings.push(line);
  }
}

/**
 * Same-commit runs started together on an IMMUTABLE repository all plan a build; the first push
 * wins and the others' are refused ("tag invalid ... immutable"). When every tag of ours then
 * names one image (the winner's, of this commit), that image is this run's result too.
 */
async function concurrentPush(
  error: unknown,
  primary: OpenRegistry,
  report: RunReport,
): Promise<StoredImage | undefined> {
  const output = String((error as { output?: unknown }).output ?? '');
  if (!primary.ecr || !/tag invalid|cannot be overwritten because the repository is immutable/i.test(output))
    return undefined;
  // ECR's refusal says the repository is immutable: a role that cannot describe the repository
  // (so the plan took it as MUTABLE) gets here too. Adopting needs every tag on one image, no more.
  const tags = report.tagNames;
  // The winner pushes its tags one after another: the first refused one can be there before the rest.
  for (let waited = 0; ; waited += WINNER_POLL_MS) {
    const found = await timed(report, 'ecr', () => primary.ecr!.imagesByTag(tags));
    const verdict = winnersImage(tags, found);
    if (verdict !== 'wait') return verdict;
    if (waited >= WINNER_WAIT_MS) return undefined;
    await sleep(WINNER_POLL_MS);
  }
}

/** How long a refused run waits for the winner's remaining tags, and how often it looks. */
const WINNER_WAIT_MS = 30_000;
const WINNER_POLL_MS = 1_000;

/**
 * The image every one of `tags` names (adopt it), `wait` while some are not there yet and the
 * others name one image, undefined when two images hold them (a real conflict). Pure.
 */
export function winnersImage(
  tags: string[],
  found: Map<string, StoredImage>,
): StoredImage | 'wait' | undefined {
  const digests = new Set([...found.values()].map((image) => image.digest));
  if (digests.size > 1) return undefined;
  if (digests.size === 0 || found.size < tags.length) return 'wait';
  return [...found.values()][0];
}

/** Every target starts as not pushed, with the tags it is to get: what the outputs say after a failure. */
export function startTargets(registries: OpenRegistry[], report: RunReport): void {
  report.targets = registries.map((r) => ({ uri: r.target.uri, pushed: false, tags: report.tagNames }));
}

/** The primary registry has the image: record it, then copy it to the extra registries. */
export async function finishTargets(job: Job, registries: OpenRegistry[], report: RunReport): Promise<void> {
  const [primary, ...extras] = registries as [OpenRegistry, ...OpenRegistry[]];
  report.targets[0] = { ...report.targets[0]!, pushed: true, digest: report.digest };
  report.pushed = extras.length === 0;
  if (extras.length) await copyToExtras(job, primary, extras, report);
}

/** Copies the pushed image to each extra registry, byte for byte; every target reports on its own. */
async function copyToExtras(
  job: Job,
  primary: OpenRegistry,
  extras: OpenRegistry[],
  report: RunReport,
): Promise<void> {
  const source = {
    client: new RegistryClient(primary.target.host, primary.login),
    repository: registryPath(primary.target),
  };
  const results = await timed(report, 'copy', () =>
    Promise.allSettled(
      extras.map((r) => {
        const target = {
          client: new RegistryClient(r.target.host, r.login),
          repository: registryPath(r.target),
        };
        return withRetry(
          `copy to ${r.target.uri}`,
          () => copyImage(source, target, report.digest!, report.tagNames),
          job.retry,
        );
      }),
    ),
  );
  results.forEach((result, i) => {
    const target = report.targets[i + 1]!;
    if (result.status === 'fulfilled') Object.assign(target, { pushed: true, digest: report.digest });
    else
      target.error =
        result.reason instanceof Error ? result.reason.message.split('\n')[0] : String(result.reason);
  });
  report.pushed = report.targets.every((t) => t.pushed);
  const failed = report.targets.filter((t) => !t.pushed);
  if (failed.length) {
    const pushed = report.targets.filter((t) => t.pushed).map((t) => t.uri);
    throw new EcrError(
      `Pushed to ${pushed.join(', ')}; failed for ${failed.map((t) => `${t.uri} (${t.error})`).join('; ')}.`,
      'The outputs `targets` and the summary list each target. Fix the failing target (permissions, repository, immutable tags) and re-run: the targets that have the image are re-tagged, not rebuilt.',
      'PartialPush',
    );
  }
}

function defaultPlatform(job: Job): string {
  if (job.inputs.build.platforms.length === 1) return job.inputs.build.platforms[0]!;
  const arch = (
    { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<
      string,
      string
    >
  )[process.arch];
  return `linux/${arch ?? process.arch}`;
}
