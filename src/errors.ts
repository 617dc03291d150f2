/**
 * Every failure the action reports on purpose is an ActionError: a message that
 * says what is wrong (with the value received) and a hint that says how to fix it.
 * main.ts prints both; anything else is a bug and is reported as one.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly code: string = 'ActionError',
  ) {
    super(message);
  }

  // Explicit, not new.target.name: the bundle is minified, and class names with it.
  override name = 'ActionError';

  /** Message and hint as one text, the form users see in the log. */
  describe(): string {
    return this.hint ? `${this.message}\n  Hint: ${this.hint}` : this.message;
  }
}

/** How much of a value a message quotes: enough to recognise it, never a 100 KB paste. */
const MAX_QUOTED = 200;

/**
 * A value as messages show it: JSON-quoted (control characters escaped, so a newline cannot start
 * a workflow command in the log) and shortened to MAX_QUOTED characters with the length it had.
 */
export function quoted(value: string, max = MAX_QUOTED): string {
  if (value.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, max))}... (${value.length} characters)`;
}

/** The same bound for text shown without quotes (a rule as the user wrote it). */
export function shortened(value: string, max = MAX_QUOTED): string {
  return value.length <= max ? value : `${value.slice(0, max)}... (${value.length} characters)`;
}

/** One input is wrong: names the input, the value received and what is expected. */
export class InputError extends ActionError {
  override name = 'InputError';

  constructor(
    readonly input: string,
    /** undefined for an input whose value is never shown (`secrets`). */
    readonly value: string | undefined,
    readonly expected: string,
    hint?: string,
  ) {
    super(
      value === undefined
        ? `Input '${input}' is invalid (its value is not shown): expected ${expected}.`
        : `Input '${input}' is invalid: got ${quoted(value)}, expected ${expected}.`,
      hint,
      'InputError',
    );
  }
}

/** Several inputs are wrong: all are reported at once so one run fixes them all. */
export class ValidationError extends ActionError {
  override name = 'ValidationError';

  constructor(readonly problems: ActionError[]) {
    super(
      problems.length === 1
        ? problems[0]!.describe()
        : `${problems.length} inputs are invalid:\n${problems.map((p) => `- ${p.describe()}`).join('\n')}`,
      undefined,
      'ValidationError',
    );
  }
}

/** A tag rule (input `tags` or `flavor`) cannot be parsed. */
export class TagRuleError extends ActionError {
  override name = 'TagRuleError';

  constructor(
    readonly line: number,
    readonly rule: string,
    problem: string,
    hint?: string,
  ) {
    super(`tags line ${line} (${quoted(rule)}): ${problem}`, hint, 'TagRuleError');
  }
}

/**
 * A kind of failure whose errors differ only in message, hint and code (the kind's name unless
 * given): one constructor for all of them.
 */
function failureKind(kind: string) {
  return class extends ActionError {
    override name = kind;

    constructor(message: string, hint?: string, code = kind) {
      super(message, hint, code);
    }
  };
}

/** Getting AWS credentials failed (OIDC token or STS). */
export class AuthError extends failureKind('AuthError') {}

/** An ECR call failed or ECR state forbids the plan (missing repository, immutable tag conflict). */
export class EcrError extends failureKind('EcrError') {}

/** docker or buildx failed or is missing. */
export class DockerError extends failureKind('DockerError') {}

/** The scan gate found findings at or above the threshold, or could not decide. */
export class ScanGateError extends failureKind('ScanGateError') {}

/** A message may be long (a list of bad inputs), but one log line of it stays readable. */
const MAX_MESSAGE = 1800;

/**
 * The only place "Unexpected error" is written, and it is meant for bugs alone: every failure an
 * input, the environment or a remote service can cause is an ActionError by the time it gets
 * here (inputs: InputError/ValidationError; AWS and network: aws-errors.ts; docker: DockerError;
 * files and processes: the system-error branch below). The hostile-input e2e table asserts that
 * none of its rows ends here.
 *
 * What a user reads when the step fails: the message and hint of an ActionError; a failed file
 * or process operation (a Node system error: EACCES, ENOSPC, EISDIR...) with what it touched,
 * since the environment causes those, not a bug; anything else as an unexpected error, the
 * only kind worth a report (its stack comes from failureStack).
 */
export function describeFailure(error: unknown): string {
  return bounded(explainFailure(error)?.describe() ?? unexpectedMessage(error));
}

/**
 * The failure as an ActionError (itself, or a system error explained), or undefined for a bug: the
 * action's log line and the CLI's JSON `error` both come from it, so they say the same thing.
 */
export function explainFailure(error: unknown): ActionError | undefined {
  return error instanceof ActionError ? error : systemError(error);
}

/** What a bug reads as: the only text with "Unexpected error" in it. */
export function unexpectedMessage(error: unknown): string {
  return bounded(
    `Unexpected error (please report it): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
}

function bounded(text: string): string {
  return text.length > MAX_MESSAGE
    ? `${text.slice(0, MAX_MESSAGE)}... (${text.length - MAX_MESSAGE} more characters)`
    : text;
}

/** The stack of an unexpected error, for the log (never for an ActionError or a system error). */
export function failureStack(error: unknown): string | undefined {
  if (error instanceof ActionError || systemError(error) || !(error instanceof Error)) return undefined;
  return error.stack;
}

type SystemErrorShape = Error & { code?: unknown; syscall?: unknown; path?: unknown; dest?: unknown };

const SYSTEM_HINTS: Record<string, string> = {
  EACCES:
    'Check the permissions: on a self-hosted runner, an earlier job running as root (a container job) may have left files the runner user cannot read or write.',
  EPERM:
    'Check the permissions: on a self-hosted runner, an earlier job running as root (a container job) may have left files the runner user cannot read or write.',
  ENOSPC: 'The disk is full: free space on the runner (docker system prune, remove old work directories).',
  EROFS: 'The file system is read-only: point RUNNER_TEMP (or TMPDIR for the CLI) at a writable directory.',
  EISDIR: 'A directory is where a file was expected: check the path.',
  ENOTDIR: 'A file is where a directory was expected: check the path (RUNNER_TEMP must be a directory).',
  ENOENT: 'The file or directory does not exist: check the path.',
  EMFILE: 'Too many open files: raise the limit (ulimit -n) on the runner.',
};

/** A Node system error (it has a code and a syscall) as an ActionError naming the operation and path. */
function systemError(error: unknown): ActionError | undefined {
  const e = error as SystemErrorShape;
  if (!(error instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string')
    return undefined;
  const path = typeof e.path === 'string' ? ` ${quoted(e.path)}` : '';
  return new ActionError(
    `Could not ${e.syscall}${path}: ${e.code} (${e.message}).`,
    SYSTEM_HINTS[e.code],
    'SystemError',
  );
}
