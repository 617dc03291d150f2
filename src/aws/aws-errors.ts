/**
 * The AWS failures a user or an environment causes, as messages that name the operation, the
 * endpoint or region, and the fix: everything but a bug leaves src/aws/ as an ActionError.
 */
import { ActionError } from '../errors.js';
import type { FailedOperation } from '../retry.js';
import { unknownRegion } from './regions.js';

type ErrorFactory = (message: string, hint: string | undefined, code: string) => ActionError;

type AwsErrorShape = Error & {
  code?: unknown;
  hostname?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $failedOperation?: FailedOperation;
};

const THROTTLING =
  /^(?:Throttling|ThrottlingException|ThrottledException|TooManyRequestsException|RequestLimitExceeded|RequestThrottled(?:Exception)?|SlowDown)$/;
const TIMEOUT =
  /^(?:TimeoutError|RequestTimeout(?:Exception)?|AbortError)$|^(?:ETIMEDOUT|UND_ERR_(?:CONNECT|HEADERS|BODY)_TIMEOUT)$/;
const UNREACHABLE =
  /^(?:ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EPIPE|EAI_AGAIN|UND_ERR_SOCKET)$/;
const NETWORK_HINT =
  'Check the network from the runner to AWS: a proxy (HTTPS_PROXY is not used by the AWS SDK), a firewall, or a VPC endpoint policy.';

/** The error, or the first cause down its chain, with a string `code` (Node and undici socket errors). */
function socketError(error: AwsErrorShape, depth = 0): AwsErrorShape | undefined {
  if (typeof error.code === 'string') return error;
  if (depth < 3 && error.cause instanceof Error) return socketError(error.cause as AwsErrorShape, depth + 1);
  return undefined;
}

function hostOf(error: AwsErrorShape): string | undefined {
  if (typeof error.hostname === 'string') return error.hostname;
  return /(?:ENOTFOUND|EAI_AGAIN) (\S+)/.exec(error.message)?.[1];
}

/**
 * `error` from `operation` (e.g. `ecr:DescribeRepositories`) against `region`, explained; an
 * ActionError is returned as it is, and an error that is no AWS or network failure (a bug) too.
 */
export function explainAwsError(
  error: unknown,
  operation: string,
  region: string,
  make: ErrorFactory,
): unknown {
  if (error instanceof ActionError || !(error instanceof Error)) return error;
  const e = error as AwsErrorShape;
  const attempts = e.$failedOperation?.attempts ?? 1;
  const head = `${operation} failed${attempts > 1 ? ` after ${attempts} attempts` : ''}`;
  const status = e.$metadata?.httpStatusCode;
  const said = `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}`;
  const socket = socketError(e);
  const code = socket && typeof socket.code === 'string' ? socket.code : e.name;

  if (e.name === 'RegionDisabledException' || e.name === 'OptInRequired') {
    return make(
      `${head}: the region ${region} is not enabled for this account (${said}).`,
      `Enable ${region} for the account (AWS console: Account, AWS Regions), or set \`aws-region\` to a region the account uses.`,
      'RegionDisabled',
    );
  }
  if (THROTTLING.test(e.name)) {
    return make(
      `${head}: AWS throttled the request on every attempt (${said}).`,
      'Other jobs may be calling the same API at the same time: re-run later, or give the retries more room with `max-attempts` and `retry-budget-seconds`.',
      'Throttled',
    );
  }
  if (/^(?:InvalidParameter(?:Exception|Value|Combination)?|ValidationException)$/.test(e.name)) {
    return make(
      `${head}: AWS refused a parameter (${said}).`,
      'The message names the parameter: check the input it comes from (repository name, tags, KMS key, lifecycle policy, tag filters).',
      'InvalidParameter',
    );
  }
  if (/^ExpiredToken(?:Exception)?$/.test(e.name) || e.name === 'RequestExpired') {
    return make(
      `${head}: the AWS session expired (${said}).`,
      "Raise `role-duration-seconds` (and the role's maximum session duration), or check the runner clock.",
      'SessionExpired',
    );
  }
  if (code === 'ENOTFOUND') {
    const host = hostOf(socket ?? e) ?? 'the endpoint';
    return make(
      `${head}: the endpoint host ${host} does not resolve.`,
      unknownRegion(region) ??
        `Check the DNS of the runner, and AWS_ENDPOINT_URL* variables if set. The region is "${region}".`,
      'EndpointNotFound',
    );
  }
  if (TIMEOUT.test(code)) {
    return make(`${head}: no answer in time (${said}).`, NETWORK_HINT, 'Timeout');
  }
  if (UNREACHABLE.test(code)) {
    return make(
      `${head}: the endpoint cannot be reached (${code}: ${socket?.message ?? e.message}).`,
      NETWORK_HINT,
      'Unreachable',
    );
  }
  if (status !== undefined && status >= 500) {
    return make(
      `${head}: AWS answered with a server error every time (${said}).`,
      "A problem on AWS's side: re-run the job later (https://health.aws.amazon.com shows outages).",
      'AwsServerError',
    );
  }
  // Any other answer from AWS is AWS's own explanation of a refusal: show it as it is.
  if (status !== undefined) return make(`${head}: ${said}`, undefined, 'AwsError');
  return error;
}
