import type { StoredImage } from '../aws/ecr.js';
import { isIndexMediaType } from '../aws/media-types.js';
import { registryPath } from '../aws/registry-host.js';
import { copyImage } from '../registry/copy-image.js';
import { RegistryClient } from '../registry/registry-client.js';
import { withRetry } from '../retry.js';
import { createBuilder } from '../docker/builder.js';
import { buildxArgs, renderCommand, type BuildSpec } from '../docker/buildx-args.js';
import { buildAndPush } from '../docker/buildx.js';
import { planCache } from '../docker/cache.js';
import { localCacheDir } from '../docker/local-cache.js';
import { writeSecretFile, type JobDir } from '../docker/job-dir.js';
import { EcrError } from '../errors.js';
import { FINGERPRINT_LABEL } from '../plan/fingerprint.js';
import { isImmutableTag, type PublishPlan } from '../plan/publish-plan.js';
import { timed, type RunReport } from '../report/run-report.js';
import type { Runner } from '../runner/runner.js';
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

/** The buildx invocation for this run: the primary registry's new tags (extra registries get a copy). */
export function buildSpec(
  job: Job,
  plan: RegistryPlan,
  primary: OpenRegistry,
  dir: JobDir,
  push: boolean,
): { spec: BuildSpec; builder?: string; localCache?: string } {
  const b = job.inputs.build;
  const cache = planCache({
    mode: b.cache,
    cacheFrom: b.cacheFrom,
    cacheTo: b.cacheTo,
    uri: primary.target.uri,
    immutable: isImmutableTag('buildcache', primary.repository),
    builder: b.builder,
    remoteEndpoint: Boolean(b.buildkitEndpoint),
    localDir: b.cache === 'local' ? localCacheDir(process.env, b.context, b.file) : '',
    inlineFromTag: plan.tags.tags.includes('latest')
      ? 'latest'
      : plan.tags.tags.find((t) => t !== job.reuseTag),
  });
  const needsBuilder =
    b.buildkitEndpoint !== undefined ||
    (!b.builder && (cache.needsContainerBuilder || b.platforms.length > 1));
  const builder = b.builder ?? (needsBuilder ? `ecr-build-push-${job.ctx.runId}-${process.pid}` : undefined);
  const secrets = [
    ...b.secrets.map(({ key, value }) => ({ id: key, path: writeSecretFile(dir, key, value) })),
    ...b.secretFiles.map(({ key, value }) => ({ id: key, path: value })),
  ];
  const pushTags = plan.publish.push;
  const spec: BuildSpec = {
    context: b.context,
    file: b.file,
    target: b.target,
    buildArgs: b.buildArgs,
    labels: { ...plan.tags.labels, [FINGERPRINT_LABEL]: job.fingerprint },
    annotations: b.annotations,
    platforms: b.platforms,
    tags: pushTags.map((tag) => `${primary.target.uri}:${tag}`),
    secrets,
    cacheFrom: cache.cacheFrom,
    cacheTo: cache.cacheTo,
    provenance: b.provenance,
    sbom: b.sbom,
    noCache: b.noCache,
    pull: b.pull,
    push,
    load: b.load,
    builder,
    metadataFile: dir.metadataFile,
    iidFile: dir.iidFile,
  };
  return { spec, builder: needsBuilder ? builder : undefined, localCache: cache.localDir };
}

export function commandLine(spec: BuildSpec): string {
  return renderCommand(buildxArgs(spec));
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
  startTargets(registries, plan, report);
  runner.info(`Reusing ${primary.target.uri}@${image.digest}: ${pp.reason}`);
  await timed(report, 'put-image', () => Promise.all(pp.put.map((tag) => primary.ecr!.putTag(image, tag))));
  report.digest = image.digest;
  report.sizeBytes = manifestSize(image.manifest);
  report.platformDigests = platformDigests(image, defaultPlatform(job));
  report.isIndex = isIndexMediaType(image.mediaType);
  await finishTargets(job, registries, report);
}

/**
 * Step 5, build: one buildx invocation builds and pushes the primary registry's new
 * tags; ECR then confirms the tags and gives the size.
 */
export async function publishByBuild(
  job: Job,
  plan: RegistryPlan,
  registries: OpenRegistry[],
  dir: JobDir,
  env: Record<string, string>,
  runner: Runner,
  report: RunReport,
): Promise<void> {
  const [primary] = registries as [OpenRegistry];
  startTargets(registries, plan, report);
  const { spec, builder, localCache } = buildSpec(job, plan, primary, dir, true);
  report.command = commandLine(spec);
  if (localCache) runner.saveState('cache-dir', localCache);
  if (builder) {
    await timed(report, 'builder', () => createBuilder(builder, job.inputs.build.buildkitEndpoint, env));
    runner.saveState('builder', builder);
  }
  const result = await timed(report, 'build', () => buildAndPush(spec, env, job.retry));
  report.metadata = result.metadataText;
  report.imageId = result.metadata['containerimage.config.digest'] ?? result.imageId;
  report.digest = result.metadata['containerimage.digest'];
  if (!report.digest) {
    throw new EcrError(
      'buildx finished without reporting an image digest (metadata file has no containerimage.digest).',
    );
  }
  report.isIndex = isIndexMediaType(result.metadata['containerimage.descriptor']?.mediaType ?? '');
  const index =
    report.isIndex && primary.ecr
      ? await timed(report, 'ecr', () => primary.ecr!.manifest(report.digest!))
      : undefined;
  report.platformDigests = index
    ? platformDigests(index, defaultPlatform(job))
    : { [defaultPlatform(job)]: report.digest };
  if (primary.ecr) {
    const described = await timed(report, 'ecr', () => primary.ecr!.describe(report.digest!));
    report.sizeBytes = described?.sizeBytes;
    const missing = report.tagNames.filter((t) => !described?.tags.includes(t));
    if (missing.length)
      report.warnings.push(
        `After the push, ECR does not list tag(s) ${missing.join(', ')} on ${report.digest}.`,
      );
  }
  await finishTargets(job, registries, report);
}

function startTargets(registries: OpenRegistry[], plan: RegistryPlan, report: RunReport): void {
  const { publish: pp } = plan;
  report.targets = registries.map((r, i) => ({
    uri: r.target.uri,
    pushed: false,
    tags: i === 0 ? [...pp.unchanged, ...pp.push, ...pp.put] : report.tagNames,
  }));
}

/** The primary registry has the image: record it, then copy it to the extra registries. */
async function finishTargets(job: Job, registries: OpenRegistry[], report: RunReport): Promise<void> {
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

/** Compressed size of a single-platform image (config + layers), as ECR reports it; undefined for an index. */
export function manifestSize(manifest: string): number | undefined {
  const parsed = JSON.parse(manifest) as { config?: { size?: number }; layers?: { size?: number }[] };
  if (!parsed.layers) return undefined;
  return [parsed.config, ...parsed.layers].reduce((sum, blob) => sum + (blob?.size ?? 0), 0);
}

/** platform -> manifest digest from an index (attestation entries left out), or the one manifest. */
export function platformDigests(image: StoredImage, fallbackPlatform: string): Record<string, string> {
  const parsed = JSON.parse(image.manifest) as {
    manifests?: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[];
  };
  if (!parsed.manifests) return { [fallbackPlatform]: image.digest };
  const out: Record<string, string> = {};
  for (const m of parsed.manifests) {
    const p = m.platform;
    if (!p || p.os === 'unknown') continue;
    out[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = m.digest;
  }
  return out;
}
