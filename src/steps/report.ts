import type { RegistryPlan } from './plan.js';
import { renderOutputs } from '../report/outputs.js';
import type { RunReport } from '../report/run-report.js';
import { renderSummary } from '../report/summary.js';
import type { Runner } from '../runner/runner.js';

/** The plan as the `plan` output: what would be / was built, pushed, reused, skipped. */
export function planJson(report: RunReport, plan?: RegistryPlan): Record<string, unknown> {
  const p = plan?.publish;
  return {
    dryRun: report.dryRun,
    repositoryUri: report.repositoryUri,
    tags: report.tagNames,
    version: report.version,
    mode: p?.mode ?? 'build',
    reason: p?.reason,
    build: p ? p.mode === 'build' : true,
    push: p?.push ?? report.tagNames,
    retag: p?.put ?? [],
    unchanged: p?.unchanged ?? [],
    skipped: p?.skipped ?? [],
    conflicts: p?.conflicts ?? [],
    command: report.command,
    notes: report.ruleNotes,
    warnings: [...report.tagWarnings, ...report.warnings],
    awsCalls: report.awsCalls,
  };
}

/** Outputs and summary, written whether the run succeeded or not. */
export async function writeReport(runner: Runner, report: RunReport, plan?: RegistryPlan): Promise<void> {
  for (const [name, value] of Object.entries(renderOutputs(report, planJson(report, plan))))
    runner.setOutput(name, value);
  try {
    await runner.summary(renderSummary(report));
  } catch (error) {
    runner.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}
