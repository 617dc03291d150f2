import { renderOutputs } from '../report/outputs.js';
import type { RunReport } from '../report/run-report.js';
import { renderSummary } from '../report/summary.js';
import type { Runner } from '../runner/runner.js';

/** Outputs and summary, written whether the run succeeded or not. */
export async function writeReport(runner: Runner, report: RunReport): Promise<void> {
  // Warnings reach the log as annotations too (::warning in Actions, stderr in the CLI), not only the summary.
  for (const warning of report.plan.warnings as string[]) runner.warning(warning);
  for (const [name, value] of Object.entries(renderOutputs(report))) runner.setOutput(name, value);
  try {
    await runner.summary(renderSummary(report));
  } catch (error) {
    runner.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}
