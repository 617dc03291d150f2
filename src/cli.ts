#!/usr/bin/env node
// Entry point of the CLI (dist/cli.js, the package's `ecr-build-push` bin): the command line,
// then the same engine as the action with the CLI as its runner and its own post step.
import { rmSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { cleanup } from './post/cleanup.js';
import { readPostState } from './post/state.js';
import { parseCommandLine, UsageError, type CommandLine } from './cli/args.js';
import { withCiEvent } from './cli/ci-event.js';
import { exitCodeFor, EXIT, SIGNAL_EXIT } from './cli/exit-code.js';
import { git } from './cli/git.js';
import { helpText } from './cli/help.js';
import { login } from './cli/login.js';
import { errorInfo, interruptedInfo, typedOutputs, type CliDocument, type ErrorInfo } from './cli/outputs.js';
import { signalDescendants } from './cli/processes.js';
import { supervise, type Ending } from './cli/supervise.js';
import { terminal, type Terminal } from './cli/terminal.js';
import { textSummary } from './cli/text-summary.js';
import { ciContext } from './context/ci-env.js';
import { discardLocalCacheExport } from './docker/local-cache.js';
import { describeFailure } from './errors.js';
import { main } from './main.js';
import { cliRunner, type CliRunner } from './runner/cli-runner.js';
import { nodeDeps } from './steps/prepare.js';

type RunLine = Extract<CommandLine, { inputs: unknown }>;

async function cli(argv: string[]): Promise<number> {
  let line: CommandLine;
  try {
    line = parseCommandLine(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // Before any option is known: JSON on stdout (it is the default format), the message on stderr.
    process.stderr.write(`error: ${error.message}${error.hint ? `\n  Hint: ${error.hint}` : ''}\n`);
    process.stdout.write(`${JSON.stringify(document({}, errorInfo(error)), null, 2)}\n`);
    return EXIT.usage;
  }
  if (line.command === 'version') {
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  if (line.command === 'help') {
    process.stdout.write(`${helpText(line.topic)}\n`);
    return EXIT.ok;
  }
  return run(line);
}

async function run(line: RunLine): Promise<number> {
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
  const state = readPostState((name) => runner.state[name] ?? '');
  if (ending.kind === 'signal' && state.cacheDir) {
    discardLocalCacheExport(state.cacheDir);
    state.cacheDir = undefined;
  }
  const cleaned = await cleanup(state, runner.env);
  for (const p of cleaned.problems) runner.warning(`cleanup: ${p}`);
  // Credentials or secret files still on disk fail the run, as they fail the action's post step.
  if (cleaned.leftBehind) {
    runner.error(`cleanup: ${cleaned.leftBehind}`);
    error ??= { message: cleaned.leftBehind, hint: null, code: 'CleanupFailed' };
    if (code === EXIT.ok) code = EXIT.failure;
  }
  const doc = document(runner.outputs, error && redacted(error, runner));
  // The action shows these in the job summary; the CLI has none.
  for (const warning of (doc.plan as { warnings?: string[] } | null)?.warnings ?? []) runner.warning(warning);
  await term.print(
    line.options.format === 'text' ? textSummary(doc, line.command) : JSON.stringify(doc, null, 2),
  );
  return code;
}

function document(outputs: Record<string, string>, error?: ErrorInfo): CliDocument {
  const doc: CliDocument = typedOutputs(outputs);
  if (error) doc.error = error;
  return doc;
}

function redacted(error: ErrorInfo, runner: CliRunner): ErrorInfo {
  return {
    message: runner.redact(error.message),
    hint: error.hint === null ? null : runner.redact(error.hint),
    code: error.code,
  };
}

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exit(EXIT.failure);
  },
);
