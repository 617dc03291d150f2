import type { EarlyIdToken } from './aws/early-id-token.js';
import { isEvaluation } from './docker/buildx-args.js';
import { writeRegistryAuth } from './docker/registry-auth.js';
import { ActionError, describeFailure } from './errors.js';
import { buildEverything, publishedTags } from './plan/publish-plan.js';
import { savePostState } from './post/state.js';
import { newLog } from './report/log.js';
import type { ImageFacts, RunResults } from './report/results.js';
import { buildReport, type RunReport } from './report/run-report.js';
import type { Runner } from './runner/runner.js';
import { exportCredentials, requireRegion, sessionForInputs } from './steps/credentials.js';
import { planRun, type RunPlan } from './steps/plan.js';
import { nodeDeps, prepareJob, type Job, type PrepareDeps } from './steps/prepare.js';
import { ensureCacheRepository, openRegistries, type OpenRegistries } from './steps/registry.js';
import { writeReport } from './steps/report.js';
import { checkTagReferences } from './tags/references.js';

/**
 * The whole job, top to bottom: inputs → AWS credentials → registries → tags and plan →
 * build and push (or re-tag) → extra registries → scan. Each phase returns its result and
 * main records it; outputs and summary are built from those records once, at the end, also
 * when a phase failed. Returns the report; rethrows the failure (an ActionError for
 * everything the action reports on purpose) after writing them. `early`: the OIDC token the
 * entry asked for before loading this (aws/early-id-token.ts).
 */
export async function main(
  runner: Runner,
  deps: PrepareDeps = nodeDeps,
  early?: EarlyIdToken,
): Promise<RunReport> {
  const results: RunResults = { log: newLog(), dryRun: false, platforms: [], targets: [] };
  let failure: { error: unknown } | undefined;
  try {
    await run(runner, deps, results, early);
  } catch (error) {
    results.error = describeFailure(error);
    failure = { error };
  }
  const report = buildReport(results);
  await writeReport(runner, report);
  if (failure) throw failure.error;
  return report;
}

/**
 * The phases after the registries (merge, re-tag, build and push, copies, scan), loaded while the
 * ECR requests are out: dist/main.js reads less before its first request (issue 16, start-up).
 */
async function loadPhases() {
  const [build, bases, publish, merge, scan] = await Promise.all([
    import('./steps/build.js'),
    import('./steps/base-registries.js'),
    import('./steps/publish.js'),
    import('./steps/merge.js'),
    import('./steps/scan.js'),
  ]);
  return { ...build, ...bases, ...publish, ...merge, ...scan };
}
type Phases = Awaited<ReturnType<typeof loadPhases>>;

async function run(
  runner: Runner,
  deps: PrepareDeps,
  results: RunResults,
  early: EarlyIdToken | undefined,
): Promise<void> {
  const { log } = results;
  const job = prepareJob(runner, deps);
  Object.assign(results, {
    dryRun: job.dryRun,
    dryRunReason: job.dryRunReason,
    platforms: job.inputs.build.platforms,
    tags: job.tags,
  });
  if (job.dryRunReason) runner.notice(job.dryRunReason);

  // 1. AWS credentials; none when the run may make no AWS call (a dry run without them)
  const { credentials } = job;
  const session =
    credentials.source === 'none'
      ? undefined
      : await runner.group('AWS credentials', async () => {
          const { session: opened } = await sessionForInputs(
            credentials,
            job.inputs,
            job.retry,
            runner,
            log,
            early,
          );
          runner.info(
            'roleArn' in credentials
              ? `Assumed role ${credentials.roleArn} as ${opened.arn}`
              : `AWS credentials from the default chain: ${opened.arn}`,
          );
          return opened;
        });
  results.account = session?.account;
  if (session && job.inputs.auth.exportCredentials && !job.dryRun)
    exportCredentials(session, requireRegion(job), runner);

  // Started once the credentials are in hand: the files load while the ECR calls are out, not
  // before the first request. Awaited below; a run that fails before then leaves it handled.
  const loading = loadPhases();
  loading.catch(() => undefined);

  // 2. ECR: token and repository, every target
  const registries = await runner.group('ECR', async () => {
    const opened = await openRegistries(job, session, runner, log);
    for (const r of opened) runner.info(`Registry ${r.target.uri}`);
    return opened;
  });
  const [primary] = registries;
  results.target = primary.target;
  // Without credentials the account, and so the host, is known only when `registry` names it.
  if (session || job.inputs.target.registry)
    checkTagReferences(
      job.tags.references,
      registries.map((r) => r.target),
    );
  const phases = await loading;
  const {
    assertNoConflicts,
    assertSomethingToPut,
    concurrentPush,
    convergeMovingTags,
    describePushed,
    openBaseRegistries,
    pendingTargets,
    planMergeRun,
    prepareBuild,
    pushedDigest,
    readyBuild,
    retag,
    runBuild,
    storedImageFacts,
  } = phases;

  // Merge: an index of pushed digests, API calls alone (no docker, no build)
  if (job.inputs.publish.mergeDigests.length) {
    if (job.dryRun) throw dryRunMerge();
    const merge = await planMergeRun(job, primary, log);
    Object.assign(results, { tags: merge.tags, publish: merge.publish });
    assertNoConflicts(merge.publish, primary.target.uri);
    assertSomethingToPut(merge.publish, primary.repository);
    const tagNames = publishedTags(merge.tags.tags, merge.publish);
    results.targets = pendingTargets(registries, tagNames);
    const merged = await runner.group('Merge', () => retag(job, merge.publish, primary, runner, log));
    results.image = merged;
    results.digest = merge.publish.image.digest;
    results.stored = merge.publish.image;
    return deliver(phases, job, registries, merge.publish.image.digest, merged, tagNames, runner, results);
  }

  // 3. Tags against what the registry holds, and the plan (push by digest: no tags at all)
  const plan: RunPlan = job.inputs.build.pushByDigest
    ? {
        tags: { ...job.tags, tags: [] },
        publish: buildEverything([], 'push-by-digest: the image is pushed without tags.'),
      }
    : await runner.group('Tags and plan', async () => {
        const planned = await planRun(job, primary, log);
        const { tags: names } = planned.tags;
        runner.info(`${names.length} tag${names.length === 1 ? '' : 's'}: ${names.join(', ') || '(none)'}`);
        runner.info(`Plan: ${planned.publish.mode} (${planned.publish.reason})`);
        return planned;
      });
  const { tags, publish } = plan;
  Object.assign(results, { tags, publish });
  assertNoConflicts(publish, primary.target.uri);
  const tagNames = publishedTags(tags.tags, publish);
  // `call: check` (or outline, targets) evaluates the build: nothing is pushed or re-tagged.
  const evaluating = isEvaluation(job.inputs.build.call);
  const pushing = job.inputs.build.push && !job.dryRun && !evaluating;

  // 4a. Re-tag: API calls alone (no docker, no files, nothing for the post step to undo)
  if (publish.mode === 'reuse' && publish.image && !evaluating && (pushing || job.dryRun)) {
    if (job.dryRun) return;
    const { image } = publish;
    results.targets = pendingTargets(registries, tagNames);
    const facts = await runner.group('Re-tag', async () => {
      const retagged = await retag(job, { ...publish, image }, primary, runner, log);
      await convergeMovingTags(primary, tagNames, tags.version, log);
      return retagged;
    });
    results.image = facts;
    results.digest = image.digest;
    results.stored = image;
    return deliver(phases, job, registries, image.digest, facts, tagNames, runner, results);
  }

  // 4b. Build (and push the new tags; extra registries get a copy over the registry API)
  const build = prepareBuild(job, plan, primary, pushing ? publish.push : tagNames, pushing, runner);
  results.command = build.command;
  if (job.dryRun && !job.inputs.run.buildInDryRun) return;
  if (pushing) await ensureCacheRepository(job, primary, runner, log);
  const built = await runner.group(pushing ? 'Build and push' : 'Build', async () => {
    // The pull-only logins' tokens are asked for while the builder is looked at.
    const [bases, ready] = await Promise.all([
      session ? openBaseRegistries(job, session, primary, runner, log) : [],
      readyBuild(job, build, runner, log),
    ]);
    const { login } = primary;
    const logins = [...(login ? [{ host: primary.target.host, login }] : []), ...bases];
    if (logins.length) savePostState(runner.saveState, { hosts: logins.map((l) => l.host) });
    // Straight into the job-private docker config: what `docker login` writes, without its process.
    if (logins.length) writeRegistryAuth(build.dir.dockerConfig, logins);
    for (const { host } of bases) runner.info(`Logged in to ${host} for pulls (base-registries)`);
    Object.assign(results, { builder: ready.builder.description, command: ready.builder.command });
    if (!pushing) return runBuild(job, build, ready, runner, log);
    results.targets = pendingTargets(registries, tagNames);
    return runBuild(job, build, ready, runner, log).catch(async (error: unknown) => {
      const theirs = await concurrentPush(error, primary, tagNames, job.fingerprint, log);
      if (!theirs) throw error;
      return theirs;
    });
  });
  if ('digest' in built) {
    runner.info(
      `Another run of this commit pushed ${tagNames.join(', ')} at the same time (the repository is immutable): using its image ${built.digest}.`,
    );
    const facts = storedImageFacts(job, built);
    results.digest = built.digest;
    results.image = facts;
    results.stored = built;
    return deliver(phases, job, registries, built.digest, facts, tagNames, runner, results);
  }
  results.build = built;
  if (!pushing) return;
  const digest = pushedDigest(built);
  results.digest = digest;
  const facts = await describePushed(job, primary, digest, built, tagNames, log);
  results.image = facts;
  await convergeMovingTags(primary, tagNames, tags.version, log);
  return deliver(phases, job, registries, digest, facts, tagNames, runner, results);
}

/** The image is in the primary registry: the extra registries get a copy, then the scan gate. */
async function deliver(
  { assertAllPushed, combineScans, copyToExtras, gateScans, scanPushed, scanTargets }: Phases,
  job: Job,
  registries: OpenRegistries,
  digest: string,
  image: ImageFacts,
  tagNames: string[],
  runner: Runner,
  results: RunResults,
): Promise<void> {
  results.targets = await copyToExtras(job, registries, digest, tagNames, results.log);
  assertAllPushed(results.targets);
  const [primary] = registries;
  const { ecr } = primary;
  if (job.inputs.scan.mode !== 'wait' || !ecr) return;
  const digests = scanTargets(image, digest);
  const { timeoutSeconds } = job.inputs.scan;
  await runner.group('Scan', async () => {
    const request = { ...job.inputs.scan, scanOnPush: primary.repository.scanOnPush };
    const scans = await scanPushed(ecr, digests, request, results.log);
    if (!scans) return; // the role may not scan: noted, nothing to gate
    // Recorded before the gate throws: a failed gate still reports what the scans found.
    results.scan = combineScans(scans);
    gateScans(scans, timeoutSeconds, runner);
  });
}

/** A merge reads what earlier jobs pushed; without them there is nothing to plan offline. */
function dryRunMerge(): ActionError {
  return new ActionError(
    'merge-digests in a dry run: a merge only reads and writes manifests, so there is nothing to dry-run.',
    'Set `dry-run: false` (the merge moves no layer and builds nothing).',
    'MergeDryRun',
  );
}
