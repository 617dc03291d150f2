import type { Runner } from './runner.js';

/** How much a log line matters: `--quiet` keeps warnings and errors, `--json-only` nothing. */
export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error';

/**
 * The CLI's runner: inputs from flags, outputs collected for one JSON document on
 * stdout, logs on stderr with every masked value replaced by ***.
 */
export interface CliRunner extends Runner {
  outputs: Record<string, string>;
  state: Record<string, string>;
  /** The failure, on stderr, with masked values redacted like every other line. */
  error(message: string): void;
  /** Text with every masked value replaced by *** (for what the CLI prints itself). */
  redact(text: string): string;
}

export function cliRunner(
  flags: Record<string, string>,
  env: NodeJS.ProcessEnv,
  write: (line: string, level: LogLevel) => void,
): CliRunner {
  const secrets: string[] = [];
  const redact = (text: string) => secrets.reduce((out, s) => out.split(s).join('***'), text);
  const log = (level: LogLevel, prefix: string) => (message: string) =>
    write(redact(`${prefix}${message}`), level);
  const runner: CliRunner = {
    outputs: {},
    state: {},
    input: (name) => flags[name] ?? '',
    setOutput: (name, value) => {
      runner.outputs[name] = value;
    },
    mask: (value) => {
      if (!value) return;
      secrets.push(value);
      // Longest first, so a secret containing a shorter one is redacted whole.
      secrets.sort((a, b) => b.length - a.length);
    },
    saveState: (name, value) => {
      runner.state[name] = value;
    },
    exportVariable: (name) => {
      if (name === 'AWS_ACCESS_KEY_ID')
        runner.warning('export-credentials has no effect in the CLI: nothing is exported.');
    },
    info: log('info', ''),
    notice: log('notice', 'notice: '),
    warning: log('warning', 'warning: '),
    error: log('error', 'error: '),
    debug: env.ECR_BUILD_PUSH_DEBUG ? log('debug', 'debug: ') : () => undefined,
    // A terminal has no folding: the lines are shown as they come.
    group: (_name, fn) => fn(),
    summary: async () => undefined,
    redact,
    env,
  };
  return runner;
}
