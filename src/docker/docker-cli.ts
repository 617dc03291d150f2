import { getExecOutput } from '@actions/exec';
import { DockerError } from '../errors.js';

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DockerCall {
  /** Environment of the child: always carries the job-private DOCKER_CONFIG. */
  env: Record<string, string>;
  /** Written to stdin (the registry password: never argv). */
  input?: string;
  /** Stream the output to the log (builds) or keep it quiet (login, cleanup). */
  quiet?: boolean;
}

/**
 * Runs `docker ARGS` with an argument array (no shell: inputs arrive literally).
 * Resolves with the exit code and output; a missing docker binary becomes a DockerError.
 */
export async function docker(args: string[], call: DockerCall): Promise<DockerResult> {
  try {
    return await getExecOutput('docker', args, {
      env: call.env,
      input: call.input === undefined ? undefined : Buffer.from(call.input),
      silent: call.quiet ?? false,
      ignoreReturnCode: true,
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
export function failureText(result: DockerResult): string {
  const text = `${result.stderr}\n${result.stdout}`.trim();
  const lines = text
    .split('\n')
    .filter((line) => /error|denied|unauthorized|failed|invalid|unknown/i.test(line));
  return (lines.length ? lines.slice(-5) : text.split('\n').slice(-5)).join('\n');
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
