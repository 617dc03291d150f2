import { describe, expect, it } from 'vitest';
import { ActionError, DockerError, EcrError, ValidationError } from '../src/errors.js';
import { classifyError, withRetry, type RetryPolicy } from '../src/retry.js';

/** An AWS SDK v3 service error: `name` is the error code, `$metadata.httpStatusCode` the status. */
function sdkError(name: string, httpStatusCode: number, message = `${name} happened`) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

function nodeError(code: string, message = `connect ${code}`) {
  return Object.assign(new Error(message), { code });
}

function dockerFailure(output: string) {
  return Object.assign(new DockerError('docker push failed (exit 1)'), { output });
}

describe('classifyError', () => {
  const rows: [string, unknown, boolean][] = [
    // AWS SDK v3 errors
    ['STS throttling', sdkError('Throttling', 400), true],
    ['ECR throttling', sdkError('ThrottlingException', 400), true],
    ['too many requests', sdkError('TooManyRequestsException', 429), true],
    ['request limit', sdkError('RequestLimitExceeded', 503), true],
    ['provisioned throughput', sdkError('ProvisionedThroughputExceededException', 400), true],
    ['IdP unreachable', sdkError('IDPCommunicationError', 400), true],
    ['internal failure', sdkError('InternalFailure', 500), true],
    ['service unavailable', sdkError('ServiceUnavailable', 503), true],
    ['unknown 500', sdkError('SomethingBroke', 500), true],
    ['unknown 502', sdkError('BadGateway', 502), true],
    ['408 request timeout', sdkError('UnknownError', 408), true],
    ['429 without a code', sdkError('UnknownError', 429), true],
    ['SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true],
    [
      'SDK $retryable hint',
      Object.assign(sdkError('Weird', 400), { $retryable: { throttling: true } }),
      true,
    ],
    ['access denied', sdkError('AccessDenied', 403), false],
    ['ECR access denied', sdkError('AccessDeniedException', 400), false],
    ['bad audience', sdkError('InvalidIdentityToken', 400), false],
    ['expired token', sdkError('ExpiredTokenException', 400), false],
    ['missing repository', sdkError('RepositoryNotFoundException', 400), false],
    ['immutable tag', sdkError('ImageTagAlreadyExistsException', 400), false],
    ['validation', sdkError('ValidationError', 400), false],
    ['other 4xx', sdkError('InvalidParameterException', 400), false],
    ['404', sdkError('NotFound', 404), false],
    // Node and undici
    ['ECONNRESET', nodeError('ECONNRESET', 'read ECONNRESET'), true],
    ['ETIMEDOUT', nodeError('ETIMEDOUT'), true],
    ['ECONNREFUSED', nodeError('ECONNREFUSED'), true],
    ['EPIPE', nodeError('EPIPE', 'write EPIPE'), true],
    ['EAI_AGAIN', nodeError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN sts.amazonaws.com'), true],
    ['undici socket', nodeError('UND_ERR_SOCKET', 'other side closed'), true],
    ['socket hang up', new Error('socket hang up'), true],
    ['fetch failed with cause', new TypeError('fetch failed', { cause: nodeError('ECONNRESET') }), true],
    ['ENOTFOUND', nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.invalid'), false],
    ['EHOSTUNREACH', nodeError('EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:443'), true],
    ['ENETUNREACH', nodeError('ENETUNREACH', 'connect ENETUNREACH 2600::1:443'), true],
    [
      'clock skew the SDK corrected',
      Object.assign(sdkError('SignatureDoesNotMatch', 403), {
        $metadata: { httpStatusCode: 403, clockSkewCorrected: true },
      }),
      true,
    ],
    ['skew not corrected', sdkError('SignatureDoesNotMatch', 403), false],
    [
      'STS could not fetch the verification key',
      sdkError('InvalidIdentityToken', 400, "Couldn't retrieve verification key from your identity provider"),
      true,
    ],
    [
      'STS: InvalidIdentityTokenException, verification key',
      sdkError(
        'InvalidIdentityTokenException',
        400,
        "Couldn't retrieve verification key from your identity provider",
      ),
      true,
    ],
    // docker CLI output
    ['registry 503', dockerFailure('received unexpected HTTP status: 503 Service Unavailable'), true],
    ['registry 502', dockerFailure('error: 502 Bad Gateway'), true],
    ['registry 500', dockerFailure('unexpected status: 500 Internal Server Error'), true],
    ['reset mid-upload', dockerFailure('write tcp 10.0.0.1:443: connection reset by peer'), true],
    ['broken pipe', dockerFailure('write: broken pipe'), true],
    ['i/o timeout', dockerFailure('dial tcp 1.2.3.4:443: i/o timeout'), true],
    ['TLS timeout', dockerFailure('net/http: TLS handshake timeout'), true],
    ['EOF on upload', dockerFailure('Patch "https://r.example/v2/app/blobs/uploads/1": EOF'), true],
    ['docker 429', dockerFailure('429 Too Many Requests'), true],
    ['docker unauthorized', dockerFailure('unauthorized: authentication required'), false],
    [
      'docker denied',
      dockerFailure('denied: User is not authorized to perform ecr:InitiateLayerUpload'),
      false,
    ],
    [
      'docker name unknown',
      dockerFailure('name unknown: The repository with name app does not exist'),
      false,
    ],
    ['docker tag invalid', dockerFailure("tag invalid: The image tag 'v1' already exists"), false],
    ['docker manifest invalid', dockerFailure('manifest invalid: manifest invalid'), false],
    ['denied wins over reset', dockerFailure('connection reset by peer\ndenied: not authorized'), false],
    [
      'heredoc EOF is not a network error',
      dockerFailure('#5 [2/3] RUN <<EOF\nERROR: process exited 1'),
      false,
    ],
    [
      'build step failure',
      dockerFailure('ERROR: failed to solve: process "/bin/sh -c make" exit code 2'),
      false,
    ],
    // our own errors and odd values
    ['ActionError', new EcrError('repository app does not exist'), false],
    [
      'ActionError that says it is retryable',
      Object.assign(new ActionError('flaky'), { retryable: true }),
      true,
    ],
    ['our ValidationError', new ValidationError([new ActionError('x')]), false],
    ['a string', 'boom', false],
    ['undefined', undefined, false],
  ];

  it.each(rows)('%s', (_, err, retryable) => {
    const result = classifyError(err);
    expect(result.retryable).toBe(retryable);
    expect(result.reason).not.toBe('');
  });

  it('names the error code and status in the reason', () => {
    expect(classifyError(sdkError('ThrottlingException', 400, 'Rate exceeded')).reason).toBe(
      'ThrottlingException (HTTP 400): Rate exceeded',
    );
    expect(classifyError(dockerFailure('step 1\nerror: 503 Service Unavailable\nmore')).reason).toBe(
      'error: 503 Service Unavailable',
    );
  });
});

/** A policy with a fake clock: sleeping advances `now`, and every wait is recorded. */
function fakePolicy(overrides: Partial<RetryPolicy> = {}) {
  let clock = 0;
  const waits: number[] = [];
  const lines: string[] = [];
  const policy: RetryPolicy = {
    maxAttempts: 4,
    budgetMs: 60_000,
    log: (l) => lines.push(l),
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 1,
    now: () => clock,
    ...overrides,
  };
  return { policy, waits, lines, advance: (ms: number) => (clock += ms) };
}

/** Fails with `errors` in turn, then resolves with 'ok'; records the attempt numbers it was given. */
function flaky(errors: unknown[]) {
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= errors.length) throw errors[attempts.length - 1];
    return 'ok';
  };
  return { fn, attempts };
}

describe('withRetry', () => {
  const throttled = sdkError('ThrottlingException', 400, 'Rate exceeded');

  it('retries retryable failures and passes the attempt number', async () => {
    const { policy, waits, lines } = fakePolicy();
    const { fn, attempts } = flaky([throttled, throttled, throttled]);
    await expect(withRetry('sts:AssumeRoleWithWebIdentity', fn, policy)).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(waits).toEqual([200, 400, 800]);
    expect(lines).toEqual([
      'sts:AssumeRoleWithWebIdentity failed (attempt 1/4): ThrottlingException (HTTP 400): Rate exceeded; retrying in 0.2s',
      'sts:AssumeRoleWithWebIdentity failed (attempt 2/4): ThrottlingException (HTTP 400): Rate exceeded; retrying in 0.4s',
      'sts:AssumeRoleWithWebIdentity failed (attempt 3/4): ThrottlingException (HTTP 400): Rate exceeded; retrying in 0.8s',
    ]);
  });

  it('uses full jitter capped at capMs', async () => {
    const { policy, waits } = fakePolicy({ maxAttempts: 6, random: () => 0.5, baseMs: 1000, capMs: 3000 });
    const { fn } = flaky(Array.from({ length: 5 }, () => throttled));
    await withRetry('op', fn, policy);
    expect(waits).toEqual([500, 1000, 1500, 1500, 1500]);
  });

  it('rethrows the last error unchanged after maxAttempts', async () => {
    const { policy, waits } = fakePolicy({ maxAttempts: 3 });
    const last = dockerFailure('received unexpected HTTP status: 503 Service Unavailable');
    const { fn, attempts } = flaky([throttled, throttled, last, throttled]);
    const error = await withRetry('docker push', fn, policy).catch((e: unknown) => e);
    expect(error).toBe(last);
    expect(error).toBeInstanceOf(DockerError);
    expect(attempts).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
  });

  it('the error it rethrows carries the attempts made, for the message', async () => {
    const { policy } = fakePolicy({ maxAttempts: 3 });
    const { fn } = flaky([throttled, throttled, throttled]);
    const error = await withRetry('ecr:PutImage', fn, policy).catch((e: unknown) => e);
    expect(error).toMatchObject({ $failedOperation: { attempts: 3 } });
  });

  it('fails at once, without sleeping, on a non-retryable error', async () => {
    const { policy, waits, lines } = fakePolicy();
    const denied = sdkError('AccessDenied', 403, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    const { fn, attempts } = flaky([denied]);
    await expect(withRetry('sts', fn, policy)).rejects.toBe(denied);
    expect(attempts).toEqual([1]);
    expect(waits).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('maxAttempts: 1 disables retries', async () => {
    const { policy, waits } = fakePolicy({ maxAttempts: 1 });
    const { fn, attempts } = flaky([throttled]);
    await expect(withRetry('ecr', fn, policy)).rejects.toBe(throttled);
    expect(attempts).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('stops when the next wait would overrun the budget, and says so', async () => {
    const { policy, waits, lines, advance } = fakePolicy({ maxAttempts: 10, budgetMs: 1000 });
    const attempts: number[] = [];
    const fn = async (attempt: number) => {
      attempts.push(attempt);
      advance(100); // each call itself takes 100 ms
      throw throttled;
    };
    await expect(withRetry('ecr:GetAuthorizationToken', fn, policy)).rejects.toBe(throttled);
    // 100 + 200 wait, 100 + 400 wait = 800 ms; then 100 more makes 900 and an 800 ms wait would reach 1700.
    expect(waits).toEqual([200, 400]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(lines.at(-1)).toBe(
      'ecr:GetAuthorizationToken failed (attempt 3/10): ThrottlingException (HTTP 400): Rate exceeded; not retrying: the 1.0s retry budget is spent',
    );
  });

  it('returns the first success without logging', async () => {
    const { policy, lines } = fakePolicy();
    await expect(withRetry('op', async () => 42, policy)).resolves.toBe(42);
    expect(lines).toEqual([]);
  });

  it('defaults to real sleep, Math.random and Date.now', async () => {
    const { fn, attempts } = flaky([nodeError('ECONNRESET')]);
    const policy: RetryPolicy = { maxAttempts: 2, budgetMs: 5000, log: () => {}, baseMs: 1, capMs: 1 };
    await expect(withRetry('op', fn, policy)).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2]);
  });
});
