import { createBuilder } from '../docker/builder.js';
import { buildxArgs, type BuildSpec } from '../docker/buildx-args.js';
import { renderCommand } from '../docker/render-command.js';
import { buildAndPush, type BuildResult } from '../docker/buildx.js';
import { planCache } from '../docker/cache.js';
import { createJobDir, dockerEnv, writeSecretFile, type JobDir } from '../docker/job-dir.js';
import { localCacheDir } from '../docker/local-cache.js';
import { FINGERPRINT_LABEL } from '../plan/fingerprint.js';
import { savePostState } from '../post/state.js';
import { isImmutableTag } from '../plan/publish-plan.js';
import { timed, type RunReport } from '../report/run-report.js';
import type { Runner } from '../runner/runner.js';
import type { RegistryPlan } from './plan.js';
import type { Job } from './prepare.js';
import type { OpenRegistry } from './registry.js';

/** One buildx invocation, ready to run: its private directory, environment, arguments and builder. */
export interface PreparedBuild {
  dir: JobDir;
  /** Environment of docker children: the private DOCKER_CONFIG, no AWS credentials. */
  env: Record<string, string>;
  spec: BuildSpec;
  /** A builder this job must create first (and the post step removes). */
  builder?: string;
  /** `cache: local`: the directory the post step rotates after a successful build. */
  localCache?: string;
}

/**
 * Creates the job-private directory (saved for the post step) and decides the buildx
 * invocation: `tags` under the primary repository, pushed or not. The rendered command
 * goes to the report (dry runs and the summary show it).
 */
export function prepareBuild(
  job: Job,
  plan: RegistryPlan,
  primary: OpenRegistry,
  tags: string[],
  push: boolean,
  runner: Runner,
  report: RunReport,
): PreparedBuild {
  const dir = createJobDir(runner.env);
  savePostState(runner.saveState, { jobDir: dir.root });
  const b = job.inputs.build;
  const cache = planCache({
    mode: b.cache,
    cacheFrom: b.cacheFrom,
    cacheTo: b.cacheTo,
    uri: primary.target.uri,
    immutable: isImmutableTag('buildcache', primary.repository),
    builder: b.builder,
    remoteEndpoint: Boolean(b.buildkitEndpoint),
    localDir: b.cache === 'local' ? localCacheDir(runner.env, b.context, b.file) : '',
    inlineFromTag: plan.tags.tags.includes('latest')
      ? 'latest'
      : plan.tags.tags.find((t) => t !== job.reuseTag),
  });
  const createsBuilder =
    b.buildkitEndpoint !== undefined ||
    (!b.builder && (cache.needsContainerBuilder || b.platforms.length > 1));
  const builder =
    b.builder ?? (createsBuilder ? `ecr-build-push-${job.ctx.runId}-${process.pid}` : undefined);
  const spec: BuildSpec = {
    context: b.context,
    file: b.file,
    target: b.target,
    buildArgs: b.buildArgs,
    labels: { ...plan.tags.labels, [FINGERPRINT_LABEL]: job.fingerprint },
    annotations: b.annotations,
    platforms: b.platforms,
    tags: tags.map((tag) => `${primary.target.uri}:${tag}`),
    secrets: [
      ...b.secrets.map(({ key, value }) => ({ id: key, path: writeSecretFile(dir, key, value) })),
      ...b.secretFiles.map(({ key, value }) => ({ id: key, path: value })),
    ],
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
  report.command = renderCommand(buildxArgs(spec));
  return {
    dir,
    env: dockerEnv(runner.env, dir, {
      gha: [...cache.cacheFrom, ...cache.cacheTo].some((entry) => /(?:^|,)type=gha(?:,|$)/.test(entry)),
    }),
    spec,
    builder: createsBuilder ? builder : undefined,
    localCache: cache.localDir || undefined,
  };
}

/** Runs the prepared build: creates the job's builder if needed, then buildx; records image id and metadata. */
export async function runBuild(
  job: Job,
  build: PreparedBuild,
  runner: Runner,
  report: RunReport,
): Promise<BuildResult> {
  if (build.builder) {
    savePostState(runner.saveState, { builder: build.builder });
    await timed(report, 'builder', () =>
      createBuilder(build.builder!, job.inputs.build.buildkitEndpoint, build.env),
    );
  }
  const result = await timed(report, 'build', () => buildAndPush(build.spec, build.env, job.retry));
  // Only a finished build's cache export may replace the previous cache.
  savePostState(runner.saveState, { cacheDir: build.localCache });
  report.metadata = result.metadataText;
  report.imageId = result.metadata['containerimage.config.digest'] ?? result.imageId;
  return result;
}
