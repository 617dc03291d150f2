import type { Runner } from './runner.js';

/**
 * The CLI's runner: inputs from flags, outputs collected for one JSON document on
 * stdout, logs on stderr with every masked value replaced by ***.
 */
export interface CliRunner extends Runner {
  outputs: Record<string, string>;
  state: Record<string, string>;
  /** The failure, on stderr, with masked values redacted like every other line. */
  error(message: string): void;
}

export function cliRunner(
  flags: Record<string, string>,
  env: NodeJS.ProcessEnv,
  write: (line: string) => void,
): CliRunner {
  const secrets: string[] = [];
  const redact = (text: string) => secrets.reduce((out, s) => out.split(s).join('***'), text);
  const log = (prefix: string) => (message: string) => write(redact(`${prefix}${message}`));
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
    info: log(''),
    notice: log('notice: '),
    warning: log('warning: '),
    error: log('error: '),
    debug: env.ECR_BUILD_PUSH_DEBUG ? log('debug: ') : () => undefined,
    group: (title, fn) => {
      write(redact(title));
      return fn();
    },
    summary: async () => undefined,
    env,
  };
  return runner;
}
