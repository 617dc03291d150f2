import { hasAmbientCredentials } from './plan/credentials.js';
import { resolveTarget } from './aws/registry-host.js';
import { ActionError, describeFailure } from './errors.js';
import { isEvaluation } from './docker/buildx-args.js';
import { dockerLogin } from './docker/login.js';
import { buildEverything } from './plan/publish-plan.js';
import { savePostState } from './post/state.js';
import { emptyReport, timed, type RunReport, type ScanReport } from './report/run-report.js';
import type { Runner } from './runner/runner.js';
import { prepareBuild, runBuild } from './steps/build.js';
import { exportCredentials, getAwsSession, requireRegion } from './steps/credentials.js';
import { planAgainstRegistry, type RegistryPlan } from './steps/plan.js';
import { nodeDeps, prepareJob, type Job, type PrepareDeps } from './steps/prepare.js';
import { assertNoConflicts, publishByBuild, publishByRetag } from './steps/publish.js';
import {
  ensureCacheRepository,
  openExtraRegistries,
  openRegistry,
  type OpenRegistry,
} from './steps/registry.js';
import { writeReport } from './steps/report.js';
import { publishByMerge } from './steps/merge.js';
import { combineScans, scanGate } from './steps/scan.js';
import { checkTagReferences } from './tags/references.js';

/**
 * The whole job: inputs → AWS credentials → ECR login → tags and plan → build and
 * push (or re-tag) → outputs and summary. Returns the report; rethrows the failure
 * (an ActionError for everything the action reports on purpose) after writing the
 * outputs and summary either way.
 */
export async function main(runner: Runner, deps: PrepareDeps = nodeDeps): Promise<RunReport> {
  const report = emptyReport(false);
  let plan: RegistryPlan | undefined;
  try {
    const job = prepareJob(runner, deps);
    startReport(report, job);
    if (job.dryRunReason) runner.notice(job.dryRunReason);
    if (job.dryRun && !canCallAws(job, runner.env)) {
      plan = await offlineDryRun(job, runner, report);
      return report;
    }

    // 1. AWS credentials
    const session = await getAwsSession(job, runner, report);
    report.account = session.account;
    if (job.inputs.auth.exportCredentials && !job.dryRun)
      exportCredentials(session, requireRegion(job), runner);

    // 2. ECR: token and repository (every target)
    const primary = await openRegistry(job, session, runner, report);
    const registries = [primary, ...(await openExtraRegistries(job, primary, session, runner, report))];
    checkTagReferences(
      job.tags.references,
      registries.map((r) => r.target),
    );
    describeTarget(report, primary);

    // Merge: an index of pushed digests, API calls alone (no docker, no build)
    if (job.inputs.publish.mergeDigests.length) {
      if (job.dryRun) throw dryRunMerge();
      plan = await publishByMerge(job, registries, runner, report);
      applyPlan(report, plan);
      await scanIfAsked(job, primary, runner, report);
      return report;
    }

    // 3-4. Tags against what the registry holds, and the plan (push by digest: no tags at all)
    plan = job.inputs.build.pushByDigest
      ? {
          tags: { ...job.tags, tags: [] },
          publish: buildEverything([], 'push-by-digest: the image is pushed without tags.'),
        }
      : await planAgainstRegistry(job, primary, report);
    applyPlan(report, plan);
    assertNoConflicts(plan.publish, primary.target.uri);
    // `call: check` (or outline, targets) evaluates the build: nothing is pushed or re-tagged.
    const evaluating = isEvaluation(job.inputs.build.call);
    const pushing = job.inputs.build.push && !job.dryRun && !evaluating;

    // 5a. Re-tag: API calls alone (no docker, no files, nothing for the post step to undo)
    if (plan.publish.mode === 'reuse' && !evaluating && (pushing || job.dryRun)) {
      if (pushing) {
        await publishByRetag(job, plan, registries, runner, report);
        await scanIfAsked(job, primary, runner, report);
      }
      return report;
    }

    // 5b. Build (and push the new tags; extra registries get a copy over the registry API)
    const build = prepareBuild(
      job,
      plan,
      primary,
      pushing ? plan.publish.push : report.tagNames,
      pushing,
      runner,
      report,
    );
    if (job.dryRun && !job.inputs.buildInDryRun) return report;
    if (pushing) await ensureCacheRepository(job, primary, runner, report);
    savePostState(runner.saveState, { hosts: [primary.target.host] });
    await timed(report, 'docker-login', () =>
      dockerLogin(primary.target.host, primary.login, build.env, job.retry),
    );
    if (!pushing) {
      await runBuild(job, build, runner, report);
      return report;
    }
    await publishByBuild(job, registries, build, runner, report);
    await scanIfAsked(job, primary, runner, report);
    return report;
  } catch (error) {
    report.error = describeFailure(error);
    throw error;
  } finally {
    await writeReport(runner, report, plan);
  }
}

async function scanIfAsked(
  job: Job,
  primary: OpenRegistry,
  runner: Runner,
  report: RunReport,
): Promise<void> {
  if (job.inputs.scan.mode !== 'wait' || !primary.ecr || !report.digest) return;
  // ECR scans images, not indexes: each platform manifest, never an attestation or the index.
  const digests = report.isIndex ? [...new Set(Object.values(report.platformDigests))] : [report.digest];
  const scans: ScanReport[] = [];
  try {
    for (const digest of digests) {
      await scanGate(job, primary.ecr, digest, primary.repository.scanOnPush, runner, report);
      scans.push(report.scan!);
    }
  } finally {
    if (scans.length > 1) report.scan = combineScans(scans);
  }
}

function startReport(report: RunReport, job: Job): void {
  report.dryRun = job.dryRun;
  report.dryRunReason = job.dryRunReason;
  report.platforms = job.inputs.build.platforms;
  applyPlan(report, { tags: job.tags });
}

/** The tags (and, once the registry was read, the publish plan) as the report shows them. */
function applyPlan(report: RunReport, plan: Pick<RegistryPlan, 'tags'> & Partial<RegistryPlan>): void {
  report.tagNames = plan.tags.tags.filter((t) => !plan.publish?.skipped.some((s) => s.tag === t));
  report.version = plan.tags.version;
  report.labels = plan.tags.labels;
  report.annotations = plan.tags.annotations;
  report.tagWarnings = plan.tags.warnings;
  report.ruleNotes = plan.tags.notes;
  if (plan.publish) {
    report.mode = plan.publish.mode;
    report.reuseReason = plan.publish.reason;
    report.unchanged = plan.publish.unchanged;
    report.skipped = plan.publish.skipped;
    report.warnings.push(...plan.publish.warnings);
  }
}

function describeTarget(report: RunReport, registry: OpenRegistry): void {
  report.registry = registry.target.host;
  report.repositoryUri = registry.target.uri;
}

/** A dry run calls AWS (read-only) only when credentials are at hand. */
function canCallAws(job: Job, env: NodeJS.ProcessEnv): boolean {
  if (job.credentials.source === 'none') return false;
  return job.credentials.source === 'web-identity' || hasAmbientCredentials(env);
}

/** No credentials: everything but the network. The registry host is a placeholder unless `registry` names it. */
async function offlineDryRun(job: Job, runner: Runner, report: RunReport): Promise<RegistryPlan> {
  const region = job.inputs.auth.region ?? 'REGION';
  const target = resolveTarget(job.inputs.target.registry, job.repository, region, 'ACCOUNT_ID');
  const registry: OpenRegistry = {
    target,
    login: { username: '', password: '' },
    repository: { tagMutability: 'MUTABLE', mutabilityExclusions: [], scanOnPush: false },
    exists: false,
  };
  describeTarget(report, registry);
  // Without credentials the account, and so the host, is known only when `registry` names it.
  if (job.inputs.target.registry) checkTagReferences(job.tags.references, [target]);
  report.warnings.push(
    'No AWS credentials in the environment: no AWS call was made; existing tags, reuse and repository settings were not checked.',
  );
  const plan = { tags: job.tags, publish: buildEverything(job.tags.tags, 'dry run without credentials') };
  const build = prepareBuild(job, plan, registry, report.tagNames, false, runner, report);
  if (job.inputs.buildInDryRun) await runBuild(job, build, runner, report);
  return plan;
}

/** A merge reads what earlier jobs pushed; without them there is nothing to plan offline. */
function dryRunMerge(): ActionError {
  return new ActionError(
    'merge-digests in a dry run: a merge only reads and writes manifests, so there is nothing to dry-run.',
    'Set `dry-run: false` (the merge moves no layer and builds nothing).',
    'MergeDryRun',
  );
}
