import { describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';
import { evaluatePostIf, postIf, type JobStatus } from './post-if.js';

const rows: [string, JobStatus, boolean][] = [
  ['always()', 'success', true],
  ['success()', 'success', true],
  ['success()', 'failure', false],
  ['failure() || cancelled()', 'success', false],
  ['failure() || cancelled()', 'failure', true],
  ['failure() || cancelled()', 'cancelled', true],
  ['!success()', 'cancelled', true],
  ['always() && !(failure() || cancelled())', 'success', true],
  ['always() && !(failure() || cancelled())', 'failure', false],
];

describe('post-if as the runner evaluates it', () => {
  it.each(rows)('%s with the job at %s: %s', (expression, status, runs) => {
    expect(evaluatePostIf(expression, status)).toBe(runs);
  });

  it.each(['github.event_name == "push"', 'failure(', 'success() ||'])('refuses %s', (expression) => {
    expect(() => evaluatePostIf(expression, 'success')).toThrow(/post-if/);
  });

  it("action.yml's post step runs only when the job failed or was cancelled", () => {
    expect(postIf(ROOT)).toBe('failure() || cancelled()');
  });
});
