/** The git facts the CLI falls back on when no CI variable says them: one `git` call each, on demand. */
import { execFileSync } from 'node:child_process';
import type { GitReader } from '../context/ci-env.js';

export const git: GitReader = {
  sha: () => gitOut(['rev-parse', 'HEAD']),
  tags: () => (gitOut(['tag', '--points-at', 'HEAD']) ?? '').split('\n').filter(Boolean),
  branch: () => {
    const b = gitOut(['rev-parse', '--abbrev-ref', 'HEAD']);
    return b && b !== 'HEAD' ? b : undefined;
  },
  remote: () => gitOut(['remote', 'get-url', 'origin']),
  defaultBranch: () =>
    gitOut(['symbolic-ref', '--short', 'refs/remotes/origin/HEAD'])?.replace(/^origin\//, ''),
};

/** Outside a checkout, or without git installed, every answer is undefined. */
function gitOut(args: string[]): string | undefined {
  try {
    return (
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}
