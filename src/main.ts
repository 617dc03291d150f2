import { resolveTarget } from './aws/registry-host.js';
import { createJobDir, dockerEnv } from './docker/job-dir.js';
import { buildAndPush } from './docker/buildx.js';
import { dockerLogin } from './docker/login.js';
import { buildEverything } from './plan/publish-plan.js';
import { emptyReport, timed, type RunReport } from './report/run-report.js';
import type { Runner } from './runner/runner.js';
import { exportCredentials, getAwsSession, requireRegion } from './steps/credentials.js';
import { planAgainstRegistry, type RegistryPlan } from './steps/plan.js';
import { nodeDeps, prepareJob, type Job, type PrepareDeps } from './steps/prepare.js';
import {
  assertNoConflicts,
  buildSpec,
  commandLine,
  publishByBuild,
  publishByRetag,
} from './steps/publish.js';
import {
  ensureCacheRepository,
  openExtraRegistries,
  openRegistry,
  type OpenRegistry,
} from './steps/registry.js';
import { describeFailure, writeReport } from './steps/report.js';
import { scanGate } from './steps/scan.js';

/** State the post step reads to clean up. */
export const STATE = { jobDir: 'job-dir', hosts: 'hosts', builder: 'builder' } as const;

/**
 * The whole job: inputs → AWS credentials → ECR login → tags and plan → build and
 * push (or re-tag) → outputs and summary. Returns the report; throws an ActionError
 * (outputs and summary are written either way).
 */
export async function main(runner: Runner, deps: PrepareDeps = nodeDeps): Promise<RunReport> {
  const report = emptyReport(false);
  let plan: RegistryPlan | undefined;
  try {
    const job = prepareJob(runner, deps);
    startReport(report, job);
    if (job.dryRunReason) runner.notice(job.dryRunReason);
    if (job.dryRun && !canCallAws(job, runner.env)) {
      await offlineDryRun(job, runner, report);
      return report;
    }

    // 1. AWS credentials
    const session = await getAwsSession(job, runner, report);
    report.account = session.account;
    if (job.inputs.auth.exportCredentials && !job.dryRun)
      exportCredentials(session, requireRegion(job), runner);

    // 2. ECR: token and repository (every target)
    const primary = await openRegistry(job, session, runner, report);
    const registries = [primary, ...(await openExtraRegistries(job, session, runner, report))];
    describeTarget(report, primary);

    // 3-4. Tags against what the registry holds, and the plan
    plan = await planAgainstRegistry(job, primary, report);
    applyTags(report, plan);
    assertNoConflicts(plan.publish, primary.target.uri);

    // 5. Re-tag: API calls alone (no docker, no files, nothing for the post step to undo)
    if (plan.publish.mode === 'reuse' && !job.dryRun) {
      await publishByRetag(job, plan, registries, runner, report);
      await scanIfAsked(job, primary, runner, report);
      return report;
    }

    // 5. Build: a private docker config (extra registries are copied over the registry API)
    const dir = createJobDir(runner.env);
    runner.saveState(STATE.jobDir, dir.root);
    const env = dockerEnv(runner.env, dir);
    if (plan.publish.mode === 'build' && !job.dryRun)
      await ensureCacheRepository(job, primary, runner, report);
    if (plan.publish.mode === 'build' && (!job.dryRun || job.inputs.buildInDryRun)) {
      runner.saveState(STATE.hosts, primary.target.host);
      await timed(report, 'docker-login', () =>
        dockerLogin(primary.target.host, primary.login, env, job.retry),
      );
    }
    if (job.dryRun) {
      report.command = commandLine(buildSpec(job, plan, primary, dir, false).spec);
      if (job.inputs.buildInDryRun)
        await buildAndPush(buildSpec(job, plan, primary, dir, false).spec, env, job.retry);
      return report;
    }

    await publishByBuild(job, plan, registries, dir, env, runner, report);
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
  if (job.inputs.scan.mode === 'wait' && primary.ecr && report.digest) {
    await scanGate(job, primary.ecr, report.digest, primary.repository.scanOnPush, runner, report);
  }
}

function startReport(report: RunReport, job: Job): void {
  report.dryRun = job.dryRun;
  report.dryRunReason = job.dryRunReason;
  report.platforms = job.inputs.build.platforms;
  applyTags(report, { tags: job.tags });
}

function applyTags(report: RunReport, plan: Pick<RegistryPlan, 'tags'> & Partial<RegistryPlan>): void {
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

const CHAIN_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/** A dry run calls AWS (read-only) only when credentials are at hand. */
function canCallAws(job: Job, env: NodeJS.ProcessEnv): boolean {
  if (job.credentials.source === 'none') return false;
  if (job.credentials.source === 'web-identity') return true;
  return CHAIN_VARIABLES.some((name) => env[name]);
}

/** No credentials: everything but the network. The registry host is a placeholder unless `registry` names it. */
async function offlineDryRun(job: Job, runner: Runner, report: RunReport): Promise<void> {
  const region = job.inputs.auth.region ?? 'REGION';
  const target = resolveTarget(job.inputs.target.registry, job.repository, region, 'ACCOUNT_ID');
  const registry: OpenRegistry = {
    target,
    login: { username: '', password: '' },
    repository: { tagMutability: 'MUTABLE', mutabilityExclusions: [], scanOnPush: false },
    exists: false,
  };
  describeTarget(report, registry);
  report.warnings.push(
    'No AWS credentials: no AWS call was made; existing tags, reuse and repository settings were not checked.',
  );
  const plan = { tags: job.tags, publish: buildEverything(job.tags.tags, 'dry run without credentials') };
  const dir = createJobDir(runner.env);
  runner.saveState(STATE.jobDir, dir.root);
  const { spec } = buildSpec(job, plan, registry, dir, false);
  report.command = commandLine(spec);
  if (job.inputs.buildInDryRun) await buildAndPush(spec, dockerEnv(runner.env, dir), job.retry);
}
