/**
 * `run`, `plan` and `login`: the CLI as the action's runner and its own post step, supervised so
 * that every ending (done, failed, a signal, a stray rejection) cleans up once, then prints the
 * one document. Loaded only for a command: `--version` and `help` never load the engine.
 */
import { rmSync } from 'node:fs';
import { ciContext } from '../context/ci-env.js';
import { describeFailure } from '../errors.js';
import { main } from '../main.js';
import { cleanup } from '../post/cleanup.js';
import { readPostState } from '../post/state.js';
import { cliRunner, type CliRunner } from '../runner/cli-runner.js';
import { nodeDeps } from '../steps/prepare.js';
import type { CommandLine } from './args.js';
import { withCiEvent } from './ci-event.js';
import { EXIT, exitCodeFor, SIGNAL_EXIT } from './exit-code.js';
import { git } from './git.js';
import { login } from './login.js';
import { cliDocument, errorInfo, interruptedInfo, type ErrorInfo } from './outputs.js';
import { signalDescendants } from './processes.js';
import { supervise, type Ending } from './supervise.js';
import { terminal, type Terminal } from './terminal.js';
import { textSummary } from './text-summary.js';

type RunLine = Extract<CommandLine, { inputs: unknown }>;

export async function runCommand(line: RunLine): Promise<number> {
  const term = terminal(line.options);
  const context = ciContext(process.env, git);
  const { env, deps } = withCiEvent(nodeDeps, context);
  const runner = cliRunner(line.inputs, env, (text, level) => term.log(text, level));
  if (context.source !== 'GitHub Actions') runner.debug(`context from ${context.source}`);
  for (const warning of line.warnings) runner.warning(warning);
  return supervise(
    async () => {
      if (line.command === 'login') await login(runner, deps);
      else await main(runner, deps);
    },
    (ending) => finish(ending, line, runner, term),
    {
      signalChildren: signalDescendants,
      say: (text) => term.log(text, 'warning'),
      // A second signal: the private dir (registry credentials, secret files) goes first.
      force: () => {
        const dir = readPostState((name) => runner.state[name] ?? '').jobDir;
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
      graceMs: 10_000,
    },
  );
}

/** The CLI is its own post step: on every ending it cleans up, then prints the one document. */
async function finish(ending: Ending, line: RunLine, runner: CliRunner, term: Terminal): Promise<number> {
  let error: ErrorInfo | undefined;
  let code: number = EXIT.ok;
  if (ending.kind === 'failed') {
    runner.error(describeFailure(ending.error));
    error = errorInfo(ending.error);
    code = exitCodeFor(ending.error);
  } else if (ending.kind === 'signal') {
    error = interruptedInfo(ending.signal);
    runner.error(error.message);
    code = SIGNAL_EXIT[ending.signal];
  }
  // An interrupted `cache: local` export is never rotated into place (only a finished build rotates).
  const state = readPostState((name) => runner.state[name] ?? '');
  const cleaned = await cleanup(state, runner.env);
  for (const p of cleaned.problems) runner.warning(`cleanup: ${p}`);
  // Credentials or secret files still on disk fail the run, as they fail the action's post step.
  if (cleaned.leftBehind) {
    runner.error(`cleanup: ${cleaned.leftBehind}`);
    error ??= { message: cleaned.leftBehind, hint: null, code: 'CleanupFailed' };
    if (code === EXIT.ok) code = EXIT.failure;
  }
  const doc = cliDocument(runner.outputs, error && redacted(error, runner));
  await term.print(
    line.options.format === 'text' ? textSummary(doc, line.command) : JSON.stringify(doc, null, 2),
  );
  return code;
}

function redacted(error: ErrorInfo, runner: CliRunner): ErrorInfo {
  return {
    message: runner.redact(error.message),
    hint: error.hint === null ? null : runner.redact(error.hint),
    code: error.code,
  };
}
