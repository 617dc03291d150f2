import type { BuildInputs } from '../inputs/types.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBuilder } from '../docker/builder.js';
import { chooseBuilder, needsProbe, type BuilderNeeds } from '../docker/builder-choice.js';
import { probeBuilder } from '../docker/builder-probe.js';
import { buildxArgs, type BuildSpec } from '../docker/buildx-args.js';
import { renderCommand } from '../docker/render-command.js';
import { buildAndPush, type BuildResult } from '../docker/buildx.js';
import { planCache } from '../docker/cache.js';
import { createJobDir, dockerEnv, writeSecretFile, type JobDir } from '../docker/job-dir.js';
import {
  cacheServiceAvailable,
  restoreLocalCache,
  saveLocalCache,
  type LocalCache,
} from '../docker/actions-cache.js';
import {
  discardLocalCacheExport,
  localCacheKey,
  localCacheRoot,
  readIfPresent,
} from '../docker/local-cache.js';
import { isRemoteContext } from '../inputs/parsers.js';
import { FINGERPRINT_LABEL } from '../types/build.js';
import type { KeyValue } from '../types/key-value.js';
import { savePostState } from '../post/state.js';
import { isImmutableTag } from '../plan/publish-plan.js';
import { timed, type RunLog } from '../report/log.js';
import type { Runner } from '../runner/runner.js';
import type { RunPlan } from './plan.js';
import type { Job } from './prepare.js';
import type { OpenRegistry } from './registry.js';

/** One buildx invocation, ready to run: its private directory, environment, arguments and builder. */
export interface PreparedBuild {
  dir: JobDir;
  /** Environment of docker children: the private DOCKER_CONFIG, no AWS credentials. */
  env: Record<string, string>;
  spec: BuildSpec;
  /** What the build asks of a builder; the builder is chosen when the build runs. */
  needs: BuilderNeeds;
  /** `cache: local`: the directory, restored before and rotated (and saved) after the build. */
  localCache?: LocalCache;
  /** The buildx command line as planned, before a builder is chosen (dry runs show it). */
  command: string;
}

/** The builder a build runs on, as the summary tells it, and the command line with it. */
interface ChosenBuilder {
  /** Which builder and why (created for this job, or an existing one that can do the build). */
  description: string;
  command: string;
}

/**
 * Creates the job-private directory (saved for the post step) and decides the buildx
 * invocation: `tags` under the primary repository, pushed or not, and its command line.
 */
export function prepareBuild(
  job: Job,
  plan: RunPlan,
  primary: OpenRegistry,
  tags: string[],
  push: boolean,
  runner: Pick<Runner, 'env' | 'saveState'>,
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
    repository: job.repository,
    target: b.target,
    platforms: b.platforms,
    override: b.cacheScope,
    localRoot: localCacheRoot(runner.env),
    inlineFromTag: plan.tags.tags.includes('latest')
      ? 'latest'
      : plan.tags.tags.find((t) => t !== job.reuseTag),
  });
  const spec: BuildSpec = {
    context: b.context,
    file: b.file,
    target: b.target,
    buildArgs: b.buildArgs,
    labels: { ...plan.tags.labels, [FINGERPRINT_LABEL]: job.fingerprint },
    // Rendered ({{…}} expanded), as metadata-action renders them before build-push-action sees them.
    annotations: Object.entries(plan.tags.userAnnotations).map(([key, value]) => ({ key, value })),
    platforms: b.platforms,
    tags: b.pushByDigest ? [] : tags.map((tag) => `${primary.target.uri}:${tag}`),
    pushByDigest: b.pushByDigest && push ? primary.target.uri : undefined,
    secrets: [
      ...buildSecrets(job).map(({ key, value }) => ({
        id: key,
        path: writeSecretFile(dir, key, value),
      })),
      ...b.secretFiles.map(({ key, value }) => ({ id: key, path: value })),
      ...b.secretEnvs.map(({ key, value }) => ({
        id: key,
        path: writeSecretFile(dir, key, runner.env[value] ?? ''),
      })),
    ],
    cacheFrom: cache.cacheFrom,
    cacheTo: cache.cacheTo,
    provenance: b.provenance,
    sbom: b.sbom,
    ...passThroughFlags(b),
    noCache: b.noCache,
    pull: b.pull,
    push,
    load: b.load,
    builder: b.builder,
    metadataFile: dir.metadataFile,
    iidFile: dir.iidFile,
  };
  return {
    command: renderCommand(buildxArgs(spec)),
    dir,
    env: dockerEnv(runner.env, dir, {
      gha: [...cache.cacheFrom, ...cache.cacheTo].some((entry) => /(?:^|,)type=gha(?:,|$)/.test(entry)),
    }),
    spec,
    needs: {
      platforms: b.platforms,
      cacheExport: cache.exports,
      attestations: b.provenance !== false || b.sbom !== false || b.attests.length > 0,
      load: b.load,
      push,
      pushByDigest: b.pushByDigest,
    },
    localCache: cache.localDir
      ? { dir: cache.localDir, ...localCacheKey(cache.scope, b.context, b.file, b.platforms, readIfPresent) }
      : undefined,
  };
}

/**
 * `secrets`, plus `github-token` as GIT_AUTH_TOKEN for a remote git context on the GitHub host
 * (build-push-action's name for it; never when `secrets` sets one itself). Each goes to buildx as a
 * 0600 file, never argv.
 */
export function buildSecrets(job: Job): KeyValue[] {
  const b = job.inputs.build;
  const token =
    b.githubToken &&
    isGitHubGitContext(b.context, job.ctx.serverUrl) &&
    !b.secrets.some((s) => s.key === 'GIT_AUTH_TOKEN')
      ? [{ key: 'GIT_AUTH_TOKEN', value: b.githubToken }]
      : [];
  return [...b.secrets, ...token];
}

/** A remote context (git URL or git@host:) on the GitHub server this job runs on. */
export function isGitHubGitContext(context: string, serverUrl: string): boolean {
  if (!isRemoteContext(context)) return false;
  const host = new URL(serverUrl || 'https://github.com').host.toLowerCase();
  const contextHost =
    /^git@([^:]+):/.exec(context)?.[1] ?? /^[a-z]+:\/\/(?:[^@/]*@)?([^/:#]+)/i.exec(context)?.[1];
  return contextHost?.toLowerCase() === host;
}

/** Runs the prepared build on the chosen builder; its cache export replaces the old one only after it finished. */
export async function runBuild(
  job: Job,
  build: PreparedBuild,
  ready: ReadyBuild,
  runner: Pick<Runner, 'env' | 'info' | 'warning'>,
  log: RunLog,
): Promise<BuildResult> {
  const result = await timed(log, 'build', () => buildAndPush(build.spec, build.env, job.retry));
  const local = build.localCache;
  if (local) await timed(log, 'cache', () => saveCache(local, ready.restored, runner));
  return result;
}

/** What was settled before the build: the builder, and the local cache as restored. */
interface ReadyBuild {
  builder: ChosenBuilder;
  restored?: { service: boolean; key?: string };
}

/** The builder chosen and a `cache: local` archive restored, at the same time. */
export async function readyBuild(
  job: Job,
  build: PreparedBuild,
  runner: Pick<Runner, 'env' | 'info' | 'warning' | 'saveState'>,
  log: RunLog,
): Promise<ReadyBuild> {
  const local = build.localCache;
  const [builder, restored] = await Promise.all([
    selectBuilder(job, build, runner, log),
    local && timed(log, 'cache', () => restoreCache(local, runner)),
  ]);
  return { builder, ...(restored ? { restored } : {}) };
}

/**
 * Detect, don't assume: the current (or named) builder is probed once, only when the
 * build needs more than any builder does, and used whenever it can; a builder of the
 * job's own is created only when it cannot. The log and the summary say which and why.
 */
async function selectBuilder(
  job: Job,
  build: PreparedBuild,
  runner: Pick<Runner, 'info' | 'saveState'>,
  log: RunLog,
): Promise<ChosenBuilder> {
  return timed(log, 'builder', async () => {
    const b = job.inputs.build;
    const probe =
      !b.buildkitEndpoint && needsProbe(build.needs)
        ? await probeBuilder(b.builder, build.env, build.needs.load && build.needs.platforms.length > 1)
        : undefined;
    const choice = chooseBuilder(build.needs, b.builder, b.buildkitEndpoint, probe);
    runner.info(`Builder: ${choice.reason}.`);
    for (const note of choice.notes) runner.info(note);
    if (choice.use === 'existing') {
      build.spec.builder = choice.name;
      if (choice.pushLoads) {
        build.spec.load = false;
        runner.info(
          'load: the pushed image is in the containerd image store already (the docker driver keeps what it builds).',
        );
      }
    } else {
      const name = `ecr-build-push-${job.ctx.runId}-${process.pid}`;
      let configFile: string | undefined;
      if (b.buildkitdConfigInline && choice.driver === 'docker-container') {
        configFile = join(build.dir.root, 'buildkitd.toml');
        writeFileSync(configFile, b.buildkitdConfigInline, { mode: 0o600 });
      }
      // Saved first: a builder whose boot failed half-way is still removed by the post step.
      savePostState(runner.saveState, { builder: name });
      await createBuilder(
        { name, endpoint: b.buildkitEndpoint, image: b.buildkitImage, driverOpts: b.driverOpts, configFile },
        build.env,
      );
      build.spec.builder = name;
    }
    return {
      description: choice.use === 'create' ? `${build.spec.builder}: ${choice.reason}` : choice.reason,
      command: renderCommand(buildxArgs(build.spec)),
    };
  });
}

/** `cache: local` before the build: the archive from the Actions cache service, where there is one. */
async function restoreCache(
  local: LocalCache,
  runner: Pick<Runner, 'env' | 'info' | 'warning'>,
): Promise<{ service: boolean; key?: string } | undefined> {
  discardLocalCacheExport(local.dir);
  try {
    if (!(await cacheServiceAvailable(runner.env))) return { service: false };
    const key = await restoreLocalCache(local);
    runner.info(
      key
        ? `Local build cache: restored ${key}${key === local.key ? '' : ' (partial: an earlier key of this scope)'}.`
        : `Local build cache: no archive for ${local.key} yet.`,
    );
    return { service: true, key };
  } catch (error) {
    runner.warning(`Local build cache: not restored (${(error as Error).message}); building without it.`);
    return { service: false };
  }
}

/** After the build: the fresh export replaces the directory, then goes back to the service. */
async function saveCache(
  local: LocalCache,
  restored: { service: boolean; key?: string } | undefined,
  runner: Pick<Runner, 'env' | 'info' | 'warning'>,
): Promise<void> {
  try {
    const outcome = await saveLocalCache(local, restored?.key, restored?.service ?? false);
    if (outcome === 'saved') runner.info(`Local build cache: saved ${local.key}.`);
  } catch (error) {
    runner.warning(`Local build cache: not saved (${(error as Error).message}).`);
  }
}

/** The build inputs buildx takes as they are (build-push-action's flags with no decision of ours). */
const PASS_THROUGH = [
  'buildContexts',
  'ssh',
  'network',
  'addHosts',
  'shmSize',
  'ulimits',
  'allow',
  'call',
  'attests',
  'cgroupParent',
  'noCacheFilters',
] as const satisfies readonly (keyof BuildInputs & keyof BuildSpec)[];

export function passThroughFlags(b: BuildInputs): Pick<BuildSpec, (typeof PASS_THROUGH)[number]> {
  return Object.fromEntries(PASS_THROUGH.map((key) => [key, b[key]])) as Pick<
    BuildInputs,
    (typeof PASS_THROUGH)[number]
  >;
}
