import { setTimeout as sleep } from 'node:timers/promises';
import { registryPath } from '../aws/registry-host.js';
import type { BuildResult } from '../docker/buildx.js';
import { EcrError } from '../errors.js';
import { copyImage } from '../oci/copy-image.js';
import { manifestSize, platformDigests } from '../oci/manifest.js';
import { isIndexMediaType } from '../oci/media-types.js';
import { RegistryClient } from '../oci/registry-client.js';
import { movingFamilies, movingTagFixes } from '../plan/moving-tags.js';
import { isImmutableTag, type PublishPlan } from '../plan/publish-plan.js';
import { timed, type RunLog } from '../report/log.js';
import type { ImageFacts, TargetReport } from '../report/results.js';
import { withRetry } from '../retry.js';
import type { Runner } from '../runner/runner.js';
import type { StoredImage } from '../types/registry.js';
import { ifPermitted } from './permissions.js';
import type { Job } from './prepare.js';
import { readFingerprints } from './plan.js';
import type { OpenRegistries, OpenRegistry } from './registry.js';

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
 * Step 4, re-tag: the image for this source and configuration exists (or a merge composed
 * the index), so the missing tags are added with PutImage (in parallel). No docker, no files,
 * no layer moves.
 */
export async function retag(
  job: Job,
  plan: PublishPlan & { image: StoredImage },
  primary: OpenRegistry,
  runner: Pick<Runner, 'info'>,
  log: RunLog,
): Promise<ImageFacts> {
  const { image } = plan;
  const facts = storedImageFacts(job, image);
  const what =
    plan.mode === 'merge' ? `Merging ${Object.keys(facts.platformDigests).join(', ')} into` : 'Reusing';
  runner.info(`${what} ${primary.target.uri}@${image.digest}: ${plan.reason}`);
  await timed(log, 'put-image', () => Promise.all(plan.put.map((tag) => primary.ecr!.putTag(image, tag))));
  if (plan.mode === 'merge' && plan.put.length) log.awsCalls.push('ecr:PutImage');
  return facts;
}

/** The digest buildx pushed, from its metadata file. */
export function pushedDigest(build: BuildResult): string {
  const digest = build.metadata['containerimage.digest'];
  if (!digest) {
    throw new EcrError(
      'buildx finished without reporting an image digest (metadata file has no containerimage.digest).',
    );
  }
  return digest;
}

/**
 * Step 4, after the push: one BatchGetImage of the pushed digest with its tags gives the size
 * (from the manifest), an index's platform digests, and which tags ECR does not show on it. No
 * DescribeImages: the manifest says the size, and amazon-ecr-login's push/pull policy grants
 * BatchGetImage only. The push succeeded: this read adds detail, and never fails the step.
 */
export async function describePushed(
  job: Job,
  primary: OpenRegistry,
  digest: string,
  build: BuildResult,
  tags: string[],
  log: RunLog,
): Promise<ImageFacts> {
  const { ecr } = primary;
  const isIndex = isIndexMediaType(build.metadata['containerimage.descriptor']?.mediaType ?? '');
  // Never hand out the index digest as a platform's: Lambda would get an index.
  const unread: ImageFacts = { isIndex, platformDigests: isIndex ? {} : { [defaultPlatform(job)]: digest } };
  // ECR Public has no API for this: its summary has no size.
  if (!ecr) return unread;
  const pushed = await afterPush(
    log,
    'the image size, its platform digests and the check that ECR lists every pushed tag',
    () => timed(log, 'ecr', () => ecr.pushedImage(digest, tags)),
  );
  if (pushed?.unconfirmed.length)
    log.warnings.push(
      `After the push, ECR does not list tag(s) ${pushed.unconfirmed.join(', ')} on ${digest}.`,
    );
  if (!pushed?.image) {
    if (isIndex)
      log.warnings.push('The pushed image is an index and its platform digests could not be read.');
    return unread;
  }
  return {
    isIndex,
    sizeBytes: manifestSize(pushed.image.manifest),
    platformDigests: platformDigests(pushed.image, defaultPlatform(job)),
  };
}

/**
 * A read after a successful push: a refused permission is noted (its one warning), any other
 * failure (an image not visible yet, a timeout) is a warning naming what the report lacks.
 */
async function afterPush<T>(log: RunLog, what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await ifPermitted(log, `${what} (skipped)`, read);
  } catch (error) {
    log.warnings.push(`The push succeeded, but ${what} could not be read: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * Releases pushed at the same time race for `latest`, `MAJOR` and `MAJOR.MINOR`: after the push,
 * where they point is read again and each one held by an older release than the highest of its
 * family is re-pointed there (PutImage, no layer moves). Every run does it, so the last to finish
 * leaves them right. Tags the repository keeps immutable never move.
 */
export async function convergeMovingTags(
  primary: OpenRegistry,
  tags: string[],
  version: string,
  log: RunLog,
): Promise<void> {
  const { ecr } = primary;
  const moving = tags.filter((t) => !isImmutableTag(t, primary.repository));
  const ours = { tags: moving, version };
  // Not a release, or no moving tag: nothing can race, no call made.
  if (!ecr || movingFamilies(ours).families.length === 0) return;
  await afterPush(
    log,
    'the check that latest, MAJOR and MAJOR.MINOR are not held by an older release pushed at the same time',
    async () => {
      const repository = await timed(log, 'ecr', () => ecr.tagDigests());
      for (const fix of movingTagFixes(ours, repository)) {
        const image = await timed(log, 'ecr', () => ecr.manifest(fix.digest));
        if (!image) continue;
        await timed(log, 'put-image', () => ecr.putTag(image, fix.tag));
        // Said once, as a warning annotation (the report prints the run's warnings at the end):
        // another run set this tag, which the user should see, and an info line would repeat it.
        log.warnings.push(
          `Moving tag ${fix.tag} was held by an older release: re-pointed to ${fix.release} (${fix.digest}).`,
        );
      }
    },
  );
}

/**
 * Same-commit runs started together on an IMMUTABLE repository all plan a build; the first push
 * wins and the others' are refused ("tag invalid ... immutable"). When every tag of ours then
 * names one image built from this source and configuration (its fingerprint is ours: the
 * winner's), that image is this run's result too. Tags held by another build are a real
 * conflict, reported as one at once.
 */
export async function concurrentPush(
  error: unknown,
  primary: OpenRegistry,
  tags: string[],
  fingerprint: string,
  log: RunLog,
): Promise<StoredImage | undefined> {
  const { ecr, login } = primary;
  const output = String((error as { output?: unknown }).output ?? '');
  const immutable = (tag: string) => isImmutableTag(tag, primary.repository);
  if (!ecr || !login || !immutableRefusal(output, immutable)) return undefined;
  // ECR's refusal says the repository is immutable: a role that cannot describe the repository
  // (so the plan took it as MUTABLE) gets here too.
  // The winner pushes its tags one after another: the first refused one can be there before the rest.
  const fingerprints = new Map<string, string | undefined>();
  for (let waited = 0; ; waited += WINNER_POLL_MS) {
    const found = await timed(log, 'ecr', () => ecr.imagesByTag(tags));
    const unread = [...found.values()].filter((image) => !fingerprints.has(image.digest));
    for (const [digest, value] of await readFingerprints(primary, ecr, login, unread, log))
      fingerprints.set(digest, value);
    const verdict = winnersImage(tags, found, fingerprints, fingerprint);
    if (verdict === undefined) throw lostRace(primary.target.uri, tags, found, fingerprints, fingerprint);
    if (verdict !== 'wait') return verdict;
    if (waited >= WINNER_WAIT_MS) return undefined;
    await sleep(WINNER_POLL_MS);
  }
}

/**
 * ECR's refusal to move a tag of an immutable repository, as the push reports it: docker's words
 * ("tag invalid: ... cannot be overwritten because the repository is immutable"), or BuildKit's
 * pusher (the containerd image store, docker-container builders), which gives only the status of
 * the manifest PUT: a 400 for one of our tags that the repository keeps immutable. Pure.
 */
export function immutableRefusal(output: string, immutable: (tag: string) => boolean): boolean {
  if (/tag invalid|cannot be overwritten because the repository is immutable/i.test(output)) return true;
  return [
    ...output.matchAll(/unexpected status from PUT request to \S+\/manifests\/([^\s:/]+): 400\b/g),
  ].some((m) => immutable(decodeURIComponent(m[1]!)));
}

/** How long a refused run waits for the winner's remaining tags, and how often it looks. */
const WINNER_WAIT_MS = 30_000;
const WINNER_POLL_MS = 1_000;

/**
 * The image every one of `tags` names, when it is of our fingerprint (adopt it); `wait` while some
 * are not there yet and the others name such an image; undefined when two images hold them or
 * the one that does is another build's (a real conflict). Pure.
 */
export function winnersImage(
  tags: string[],
  found: Map<string, StoredImage>,
  fingerprints: Map<string, string | undefined>,
  ours: string,
): StoredImage | 'wait' | undefined {
  const images = [...new Map([...found.values()].map((image) => [image.digest, image])).values()];
  if (images.length > 1 || images.some((image) => fingerprints.get(image.digest) !== ours)) return undefined;
  if (images.length === 0 || found.size < tags.length) return 'wait';
  return images[0];
}

/**
 * A refused push whose tags another build holds, or two images hold: each tag and what it names
 * now. Two images of our fingerprint mean runs of this commit re-tagged each other's images between
 * build and push: the docker driver pushes by local image name, which jobs on one engine share. Pure.
 */
export function lostRace(
  uri: string,
  tags: string[],
  found: Map<string, StoredImage>,
  fingerprints: Map<string, string | undefined>,
  ours: string,
): EcrError {
  const theirs = (image: StoredImage) => fingerprints.get(image.digest) !== ours;
  const list = tags.map((tag) => {
    const image = found.get(tag);
    if (!image) return `  ${uri}:${tag}: not pushed`;
    return `  ${uri}:${tag} -> ${image.digest} (${theirs(image) ? 'another build' : 'this source and configuration'})`;
  });
  if ([...found.values()].some(theirs))
    return new EcrError(
      `ECR refused the push: the repository is immutable and tag(s) of this run name another build's image:\n${list.join('\n')}`,
      "The tags listed as another build's cannot move. Give each build tags of its own (type=sha, a version), use `on-immutable-conflict: skip` to leave tags that exist, or IMMUTABLE_WITH_EXCLUSION for moving tags such as latest.",
      'ImmutableTagConflict',
    );
  return new EcrError(
    `ECR refused the push: the repository is immutable and the tags of this run name two images of this source and configuration:\n${list.join('\n')}`,
    "Runs of one commit that share a Docker engine (the docker driver pushes by local image name) re-tag each other's images before the push. Give such jobs an engine each, or a concurrency group so that they run one at a time.",
    'ImmutableTagConflict',
  );
}

/** What an image already in the registry is: its size, platforms and whether it is an index. */
export function storedImageFacts(job: Job, image: StoredImage): ImageFacts {
  return {
    sizeBytes: manifestSize(image.manifest),
    platformDigests: platformDigests(image, defaultPlatform(job)),
    isIndex: isIndexMediaType(image.mediaType),
  };
}

/** Every target as not pushed yet, with the tags it is to get: what the outputs say after a failure. */
export function pendingTargets(registries: OpenRegistries, tags: string[]): TargetReport[] {
  return registries.map((r) => ({ uri: r.target.uri, pushed: false, tags }));
}

/**
 * The primary registry has the image: copy it to each extra registry, byte for byte. Every
 * target reports on its own; none is left out when another fails.
 */
export async function copyToExtras(
  job: Job,
  registries: OpenRegistries,
  digest: string,
  tags: string[],
  log: RunLog,
): Promise<TargetReport[]> {
  const [primary, ...extras] = registries;
  const delivered: TargetReport = { uri: primary.target.uri, pushed: true, digest, tags };
  if (extras.length === 0) return [delivered];
  const client = (r: OpenRegistry) => ({
    client: new RegistryClient(r.target.host, r.login!),
    repository: registryPath(r.target),
  });
  const source = client(primary);
  const copies = await timed(log, 'copy', () =>
    Promise.allSettled(
      extras.map((r) =>
        withRetry(`copy to ${r.target.uri}`, () => copyImage(source, client(r), digest, tags), job.retry),
      ),
    ),
  );
  return [
    delivered,
    ...copies.map((copy, i): TargetReport => {
      const uri = extras[i]!.target.uri;
      if (copy.status === 'fulfilled') return { uri, pushed: true, digest, tags };
      const error = copy.reason instanceof Error ? copy.reason.message.split('\n')[0] : String(copy.reason);
      return { uri, pushed: false, tags, error };
    }),
  ];
}

/** A target without the image fails the step, after the outputs say which ones have it. */
export function assertAllPushed(targets: TargetReport[]): void {
  const failed = targets.filter((t) => !t.pushed);
  if (failed.length === 0) return;
  const pushed = targets.filter((t) => t.pushed).map((t) => t.uri);
  throw new EcrError(
    `Pushed to ${pushed.join(', ')}; failed for ${failed.map((t) => `${t.uri} (${t.error})`).join('; ')}.`,
    'The outputs `targets` and the summary list each target. Fix the failing target (permissions, repository, immutable tags) and re-run: the targets that have the image are re-tagged, not rebuilt.',
    'PartialPush',
  );
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
