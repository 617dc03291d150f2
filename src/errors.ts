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

/** One input is wrong: names the input, the value received and what is expected. */
export class InputError extends ActionError {
  override name = 'InputError';

  constructor(
    readonly input: string,
    readonly value: string,
    readonly expected: string,
    hint?: string,
  ) {
    super(
      `Input '${input}' is invalid: got ${JSON.stringify(value)}, expected ${expected}.`,
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
    super(`tags line ${line} (${JSON.stringify(rule)}): ${problem}`, hint, 'TagRuleError');
  }
}

/** Getting AWS credentials failed (OIDC token or STS). */
export class AuthError extends ActionError {
  override name = 'AuthError';

  constructor(message: string, hint?: string, code = 'AuthError') {
    super(message, hint, code);
  }
}

/** An ECR call failed or ECR state forbids the plan (missing repository, immutable tag conflict). */
export class EcrError extends ActionError {
  override name = 'EcrError';

  constructor(message: string, hint?: string, code = 'EcrError') {
    super(message, hint, code);
  }
}

/** docker or buildx failed or is missing. */
export class DockerError extends ActionError {
  override name = 'DockerError';

  constructor(message: string, hint?: string, code = 'DockerError') {
    super(message, hint, code);
  }
}

/** The scan gate found findings at or above the threshold, or could not decide. */
export class ScanGateError extends ActionError {
  override name = 'ScanGateError';

  constructor(message: string, hint?: string, code = 'ScanGateError') {
    super(message, hint, code);
  }
}
