/**
 * action.yml's `runs.post-if`, evaluated as the runner does before a post step: the status
 * functions (success(), failure(), cancelled(), always()) against the job's status, combined
 * with !, && and || and parentheses. Absent, it is `always()`. Anything else is an error here,
 * so that a condition the harness cannot judge never passes silently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type JobStatus = 'success' | 'failure' | 'cancelled';

export function postIf(root: string): string {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { runs?: { 'post-if'?: string } };
  return action.runs?.['post-if'] ?? 'always()';
}

export function evaluatePostIf(expression: string, status: JobStatus): boolean {
  const tokens = expression.match(/\s*(\w+\(\)|&&|\|\||!|\(|\))/gy)?.map((t) => t.trim()) ?? [];
  if (tokens.join('').length !== expression.replace(/\s+/g, '').length)
    throw new Error(`post-if: cannot evaluate ${JSON.stringify(expression)}`);
  let at = 0;
  const functions: Record<string, boolean> = {
    'success()': status === 'success',
    'failure()': status === 'failure',
    'cancelled()': status === 'cancelled',
    'always()': true,
  };
  const primary = (): boolean => {
    const token = tokens[at++];
    if (token === '!') return !primary();
    if (token === '(') {
      const value = or();
      if (tokens[at++] !== ')') throw new Error(`post-if: missing ) in ${JSON.stringify(expression)}`);
      return value;
    }
    if (token !== undefined && token in functions) return functions[token]!;
    throw new Error(`post-if: unexpected ${JSON.stringify(token)} in ${JSON.stringify(expression)}`);
  };
  const and = (): boolean => {
    let value = primary();
    while (tokens[at] === '&&') {
      at++;
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[at] === '||') {
      at++;
      value = and() || value;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`post-if: trailing input in ${JSON.stringify(expression)}`);
  return value;
}
