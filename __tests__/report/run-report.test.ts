import { describe, expect, it } from 'vitest';
import { newLog } from '../../src/report/log.js';
import { buildReport, deniedWarnings } from '../../src/report/run-report.js';

const GRANT = (op: string) => `Grant ecr:${op} to have it (README, "IAM": what each extra permission buys).`;

describe('deniedWarnings: one warning per refused permission', () => {
  it.each<[string, { operation: string; skipped: string }[], string[]]>([
    ['none refused', [], []],
    [
      'one refusal',
      [{ operation: 'DescribeImages', skipped: 'the size' }],
      [`The role may not call ecr:DescribeImages: the size. ${GRANT('DescribeImages')}`],
    ],
    [
      'one permission refused twice: one warning listing both, the same skip once',
      [
        { operation: 'ListImages', skipped: 'a' },
        { operation: 'DescribeImages', skipped: 'c' },
        { operation: 'ListImages', skipped: 'b' },
        { operation: 'ListImages', skipped: 'a' },
      ],
      [
        `The role may not call ecr:ListImages: a; b. ${GRANT('ListImages')}`,
        `The role may not call ecr:DescribeImages: c. ${GRANT('DescribeImages')}`,
      ],
    ],
  ])('%s', (_name, denied, expected) => {
    expect(deniedWarnings(denied)).toEqual(expected);
  });

  it('the report carries them after the other warnings, and so does the plan output', () => {
    const log = newLog();
    log.warnings.push('other');
    log.denied.push({ operation: 'ListImages', skipped: 'a' });
    const report = buildReport({ log, dryRun: false, platforms: [], targets: [] });
    expect(report.warnings).toEqual([
      'other',
      `The role may not call ecr:ListImages: a. ${GRANT('ListImages')}`,
    ]);
    expect(report.plan.warnings).toEqual(report.warnings);
  });
});
