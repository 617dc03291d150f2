import { describe, expect, it } from 'vitest';
import { newLog } from '../../src/report/log.js';
import { buildReport } from '../../src/report/run-report.js';
import { writeReport } from '../../src/steps/report.js';
import { githubEnv, recordingRunner } from '../support/job.js';

const report = buildReport({ log: newLog(), dryRun: true, platforms: [], targets: [] });

describe('steps/report', () => {
  it('every output is set, and the summary written', async () => {
    const runner = recordingRunner({}, githubEnv());
    await writeReport(runner, report);
    expect(runner.outputs).toMatchObject({ pushed: 'false', digest: '' });
    expect(runner.summaries).toEqual([expect.stringContaining('ecr-build-push: dry run')]);
  });

  it('a summary that cannot be written is a warning; the outputs are set all the same', async () => {
    const runner = recordingRunner({}, githubEnv());
    runner.summary = async () => {
      throw new Error('EACCES: summary file');
    };
    await writeReport(runner, report);
    expect(runner.outputs.pushed).toBe('false');
    expect(runner.log).toEqual(['warning: Could not write the job summary: EACCES: summary file']);
  });

  it('every warning of the plan is also a warning in the log (an annotation), tag warnings first', async () => {
    const log = newLog();
    log.warnings.push('a retry');
    log.denied.push({ operation: 'ListImages', skipped: 'latest unchecked' });
    const tags = { warnings: ['tag rewritten'] } as Parameters<typeof buildReport>[0]['tags'];
    const runner = recordingRunner({}, githubEnv());
    await writeReport(runner, buildReport({ log, tags, dryRun: false, platforms: [], targets: [] }));
    expect(runner.log).toEqual([
      'warning: tag rewritten',
      'warning: a retry',
      expect.stringMatching(/^warning: The role may not call ecr:ListImages: latest unchecked\./),
    ]);
  });
});
