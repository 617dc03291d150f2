/**
 * Where the CLI's text goes: stdout carries the one document (JSON or the text summary);
 * everything else goes to stderr, filtered by --quiet and --json-only. docker's own progress
 * (written to process.stdout by @actions/exec) is moved to stderr, or dropped when quiet.
 */
import type { LogLevel } from '../runner/cli-runner.js';
import type { CliOptions } from './args.js';

export interface Terminal {
  log(line: string, level: LogLevel): void;
  /** The document, on the real stdout; resolves once it is written (before the process exits). */
  print(text: string): Promise<void>;
}

const QUIET_LEVELS: readonly LogLevel[] = ['warning', 'error'];

export function terminal(options: Pick<CliOptions, 'quiet' | 'jsonOnly'>): Terminal {
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  const silent = options.quiet || options.jsonOnly;
  process.stdout.write = (silent ? () => true : stderr) as typeof process.stdout.write;
  // Node's own warnings (the AWS SDK's Node version notice) are stderr lines too.
  if (options.jsonOnly) process.removeAllListeners('warning');
  return {
    log: (line, level) => {
      if (options.jsonOnly || (options.quiet && !QUIET_LEVELS.includes(level))) return;
      stderr(`${line}\n`);
    },
    print: (text) => new Promise((done) => stdout(`${text}\n`, () => done())),
  };
}
