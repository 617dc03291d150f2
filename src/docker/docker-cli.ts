import { getExecOutput } from '@actions/exec';
import { DockerError, quoted } from '../errors.js';
import { renderCommand } from './render-command.js';

interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface DockerCall {
  /** Environment of the child (dockerEnv): the job-private DOCKER_CONFIG, no inputs or credentials. */
  env: Record<string, string>;
  /** Written to stdin (the registry password: never argv). */
  input?: string;
  /** Stream the output to the log (builds) or keep it quiet (login, cleanup). */
  quiet?: boolean;
}

/**
 * Runs `docker ARGS` with an argument array (no shell: inputs arrive literally).
 * Resolves with the exit code and output; a missing docker binary becomes a DockerError.
 *
 * @actions/exec runs silent: its own `[command]` echo prints arguments raw, so a newline in
 * one would start a line the runner obeys as a workflow command. The echo printed here
 * quotes every argument and escapes control characters instead.
 */
export async function docker(args: string[], call: DockerCall): Promise<DockerResult> {
  const nul = args.findIndex((arg) => arg.includes('\0'));
  if (nul >= 0) {
    throw new DockerError(
      `docker ${args.slice(0, 2).join(' ')}: argument ${nul + 1} contains a NUL byte: ${quoted(args[nul]!)}.`,
      'A NUL byte cannot be passed to a program. It came from an input or the event payload (a branch, tag or label value): remove it there.',
      'NulInArgument',
    );
  }
  const quiet = call.quiet ?? false;
  if (!quiet) process.stdout.write(`[command]${renderCommand(args)}\n`);
  try {
    return await getExecOutput('docker', args, {
      env: call.env,
      input: call.input === undefined ? undefined : Buffer.from(call.input),
      silent: true,
      ignoreReturnCode: true,
      listeners: quiet
        ? undefined
        : { stdout: (data) => process.stdout.write(data), stderr: (data) => process.stderr.write(data) },
    });
  } catch (error) {
    throw new DockerError(
      `Could not run docker: ${(error as Error).message}`,
      'This action needs the Docker CLI and a running engine. GitHub-hosted Linux runners have both; on a self-hosted runner install docker and docker-buildx.',
      'DockerMissing',
    );
  }
}

/** The text a failed docker call printed, shortened to what explains it. */
function failureText(result: DockerResult): string {
  const text = `${result.stderr}\n${result.stdout}`.trim();
  const lines = text
    .split('\n')
    .filter((line) => /error|denied|unauthorized|failed|invalid|unknown/i.test(line));
  return (lines.length ? lines.slice(-5) : text.split('\n').slice(-5))
    .map((line) => (line.length > 500 ? `${line.slice(0, 500)}...` : line))
    .join('\n');
}

/** A docker failure as an Error whose `output` the retry classifier reads. */
export function dockerFailure(
  what: string,
  result: DockerResult,
  hint?: string,
  code = 'DockerFailed',
): DockerError {
  const error = new DockerError(
    `${what} failed (exit ${result.exitCode}):\n${failureText(result)}`,
    hint,
    code,
  );
  return Object.assign(error, { output: `${result.stderr}\n${result.stdout}` });
}
