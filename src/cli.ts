#!/usr/bin/env node
// Entry point of the CLI (dist/cli.js, the package's `ecr-build-push` bin): the command line,
// then the same engine as the action with the CLI as its runner and its own post step.
import pkg from '../package.json' with { type: 'json' };
import { parseCommandLine, UsageError, type CommandLine } from './cli/args.js';
import { EXIT } from './cli/exit-code.js';
import { helpText } from './cli/help.js';
import { cliDocument, errorInfo } from './cli/outputs.js';
import { describeFailure } from './errors.js';

async function cli(argv: string[]): Promise<number> {
  let line: CommandLine;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // Before any option is known: JSON on stdout (it is the default format), the message on stderr.
    process.stderr.write(`error: ${error.message}${error.hint ? `\n  Hint: ${error.hint}` : ''}\n`);
    process.stdout.write(`${JSON.stringify(cliDocument({}, errorInfo(error)), null, 2)}\n`);
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
  // The engine (the steps, AWS and docker adapters, the report) loads only for a command.
  const { runCommand } = await import('./cli/run.js');
  return runCommand(line);
}

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exit(EXIT.failure);
  },
);
