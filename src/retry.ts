/**
 * One retry policy for every network operation: classify the failure, back off with full jitter,
 * stop at the attempt limit or the time budget, and rethrow the last error untouched.
 * Misconfigurations (access denied, bad audience, missing repository) fail on the first attempt.
 *
 * The AWS SDK's own retry strategy is switched off (`maxAttempts: 1` in SDK_DEFAULTS), and this
 * loop is the only one. Why: the SDK's standard strategy retries throttling, 5xx, timeouts and
 * transient socket errors up to 3 times with its own backoff and a retry-token bucket, but it
 * logs nothing, knows nothing of our time budget, cannot fetch a fresh OIDC token between STS
 * attempts, and cannot refresh an expired session; nested under ours it would multiply the
 * attempts (3 x 3). What we keep from the SDK is its clock-skew correction: that is a
 * middleware of the client, not of the retry strategy. A request refused for a skewed clock
 * (RequestTimeTooSkewed, SignatureDoesNotMatch with a far-off date...) makes the client store
 * the offset (`systemClockOffset`) and mark the error `$metadata.clockSkewCorrected`; this loop
 * retries such an error, on the same client, so the next attempt is signed with the corrected time.
 */
import { ActionError } from './errors.js';

export interface RetryPolicy {
  maxAttempts: number;
  /** Total time the operation may take, retries and waits included. */
  budgetMs: number;
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  baseMs?: number;
  capMs?: number;
}

interface Classification {
  retryable: boolean;
  reason: string;
}

const RETRYABLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'IDPCommunicationError',
  // The SDK names STS errors by class: IDPCommunicationError arrives as IDPCommunicationErrorException.
  'IDPCommunicationErrorException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'ServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const FATAL_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'ExpiredTokenException',
  'ExpiredToken',
  'RepositoryNotFoundException',
  'ImageTagAlreadyExistsException',
  'ValidationError',
  'AbortError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * STS answers InvalidIdentityToken when it could not fetch the identity provider's signing keys:
 * trouble on AWS's side or the provider's (configure-aws-credentials retries it too), unlike the
 * other InvalidIdentityToken causes (audience, issuer, expired claims).
 */
export const VERIFICATION_KEY = /couldn'?t retrieve verification key/i;

// Docker and buildx report registry failures only as text. The fatal ones are checked first: a denied
// push that also mentions a dropped connection is still denied.
const FATAL_TEXT = [
  /\bunauthorized\b/i,
  /\bdenied\b/i,
  /\bname unknown\b/i,
  /\btag invalid\b/i,
  /\bmanifest invalid\b/i,
  /no basic auth credentials/i,
  /cannot connect to the docker daemon/i,
];
const RETRYABLE_TEXT = [
  /\b5\d\d (?:internal server error|bad gateway|service unavailable|gateway time-?out)\b/i,
  /\bstatus(?: code)?:? 5\d\d\b/i,
  /\b429 too many requests\b|\btoomanyrequests\b/i,
  /connection reset by peer|broken pipe|i\/o timeout|tls handshake timeout|socket hang up/i,
  /context deadline exceeded|client\.timeout exceeded|connection refused/i,
  // A registry dropping the connection mid-upload: `Patch "https://...": EOF` (not a heredoc's EOF).
  /: (?:unexpected )?EOF\s*$/m,
  /\b(?:ECONNRESET|ETIMEDOUT|ECONNREFUSED|EPIPE|EAI_AGAIN|UND_ERR_[A-Z_]+)\b/,
];

type ErrorShape = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  retryable?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown; clockSkewCorrected?: unknown };
  statusCode?: unknown;
  status?: unknown;
  stderr?: unknown;
  output?: unknown;
  cause?: unknown;
};

/** Milliseconds to connect, and for a whole request and answer: a black-holed endpoint fails fast. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/** The HTTP answers another attempt can help with: server errors, too many requests, request timeout. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function statusOf(e: ErrorShape): number | undefined {
  const status = [e.$metadata?.httpStatusCode, e.statusCode, e.status].find((s) => typeof s === 'number');
  return status as number | undefined;
}

/** The first line of `text` that matches, shortened: enough for a log line, no whole build log. */
function matchingLine(text: string, pattern: RegExp): string {
  const hit = text.split('\n').find((l) => pattern.test(l)) ?? text;
  const trimmed = hit.trim();
  return trimmed.length > 160 ? `${trimmed.slice(0, 157)}...` : trimmed;
}

function classifyText(text: string): Classification | undefined {
  for (const pattern of FATAL_TEXT) {
    if (pattern.test(text)) return { retryable: false, reason: matchingLine(text, pattern) };
  }
  for (const pattern of RETRYABLE_TEXT) {
    if (pattern.test(text)) return { retryable: true, reason: matchingLine(text, pattern) };
  }
  return undefined;
}

/** Whether retrying `err` can help, and a one-line reason for the log. */
export function classifyError(err: unknown): Classification {
  return classify(err, 0);
}

function classify(err: unknown, depth: number): Classification {
  if (typeof err !== 'object' || err === null) return { retryable: false, reason: String(err) };
  const e = err as ErrorShape;
  const name = str(e.name) ?? 'Error';
  const code = str(e.code);
  const message = (str(e.message) ?? '').split('\n')[0]!;
  const status = statusOf(e);
  const summary = `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
  const output = str(e.output) ?? str(e.stderr);

  if (typeof e.retryable === 'boolean') return { retryable: e.retryable, reason: summary };
  // The client corrected its clock offset from this answer: the next attempt is signed right.
  if (e.$metadata?.clockSkewCorrected === true)
    return { retryable: true, reason: `${summary} (clock skew corrected)` };
  if (/^InvalidIdentityToken/.test(name) && VERIFICATION_KEY.test(message))
    return { retryable: true, reason: summary };
  // Our own errors are decisions already made, except a failed docker call, whose output is the evidence.
  if (err instanceof ActionError && output === undefined) return { retryable: false, reason: summary };
  if (FATAL_NAMES.has(name) || (code && FATAL_NAMES.has(code))) return { retryable: false, reason: summary };
  if (RETRYABLE_NAMES.has(name) || (code && RETRYABLE_NAMES.has(code)) || e.$retryable) {
    return { retryable: true, reason: summary };
  }
  if (code && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_'))) {
    return { retryable: true, reason: `${code}: ${message}` };
  }
  if (status !== undefined) {
    return { retryable: isRetryableStatus(status), reason: summary };
  }
  const byText = classifyText(output ?? str(e.message) ?? '');
  if (byText) return byText;
  // A dropped socket comes wrapped, its error as `cause` (fetch's TypeError, HttpRequestError).
  if (e.cause !== undefined && depth < 3) {
    const inner = classify(e.cause, depth + 1);
    if (inner.retryable) return { retryable: true, reason: `${message}: ${inner.reason}` };
  }
  return { retryable: false, reason: summary };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn(attempt)` (`attempt` is 1-based; a caller that needs something fresh per attempt, such as a
 * new OIDC token for STS, simply fetches it inside `fn`) until it succeeds,
 * fails with a non-retryable error, reaches `maxAttempts`, or the next wait would overrun the budget.
 * The last error is rethrown unchanged.
 */
export async function withRetry<T>(
  operation: string,
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  const { maxAttempts, budgetMs, log } = policy;
  const { sleep = defaultSleep, random = Math.random, now = Date.now, baseMs = 200, capMs = 5000 } = policy;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const { retryable, reason } = classifyError(err);
      if (!retryable || attempt >= maxAttempts) throw annotate(err, attempt);
      // Full jitter: a random wait up to the exponential ceiling, so parallel jobs do not retry in step.
      const waitMs = Math.round(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
      const elapsed = now() - started;
      const head = `${operation} failed (attempt ${attempt}/${maxAttempts}): ${reason}`;
      if (elapsed + waitMs > budgetMs) {
        log(`${head}; not retrying: the ${seconds(budgetMs)} retry budget is spent`);
        throw annotate(err, attempt);
      }
      log(`${head}; retrying in ${seconds(waitMs)}`);
      await sleep(waitMs);
    }
  }
}

/** How often a failed operation was tried, for the message that explains it (aws-errors.ts). */
export interface FailedOperation {
  attempts: number;
}

/** Records the attempts on the error itself (once: the innermost loop counts them best). */
function annotate(err: unknown, attempts: number): unknown {
  if (typeof err === 'object' && err !== null && !('$failedOperation' in err) && Object.isExtensible(err)) {
    Object.assign(err, { $failedOperation: { attempts } satisfies FailedOperation });
  }
  return err;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
