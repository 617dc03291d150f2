import { describe, expect, it } from 'vitest';
import { explainAwsError } from '../../src/aws/aws-errors.js';
import { unknownRegion } from '../../src/aws/regions.js';
import { ActionError, EcrError } from '../../src/errors.js';

const make = (message: string, hint: string | undefined, code: string) => new EcrError(message, hint, code);

/** An AWS SDK v3 service error after `attempts` attempts of our retry loop. */
function sdkError(name: string, status: number, message = `${name} happened`, attempts = 1) {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status },
    $failedOperation: { attempts },
  });
}

function socketError(code: string, message: string) {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

// error → code of the explained error, fragments of its message and hint
const ROWS: [string, Error, string, string, string, string][] = [
  // name, error, region, code, in message, in hint
  [
    'region not enabled',
    sdkError('RegionDisabledException', 403),
    'ap-east-1',
    'RegionDisabled',
    'ap-east-1 is not enabled',
    'Enable ap-east-1',
  ],
  [
    'throttled past the retries',
    sdkError('ThrottlingException', 400, 'Rate exceeded', 4),
    'eu-west-1',
    'Throttled',
    'after 4 attempts',
    'max-attempts',
  ],
  [
    'invalid parameter',
    sdkError('InvalidParameterException', 400, 'Invalid parameter at kmsKey'),
    'eu-west-1',
    'InvalidParameter',
    'Invalid parameter at kmsKey',
    'KMS key',
  ],
  [
    'session expired',
    sdkError('ExpiredTokenException', 400, 'The security token included in the request is expired'),
    'eu-west-1',
    'SessionExpired',
    'session expired',
    'role-duration-seconds',
  ],
  [
    'SDK timeout',
    Object.assign(new Error('Socket timed out without establishing a connection within 5000 ms'), {
      name: 'TimeoutError',
    }),
    'eu-west-1',
    'Timeout',
    'no answer in time',
    'proxy',
  ],
  [
    'host unreachable',
    socketError('EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:443'),
    'eu-west-1',
    'Unreachable',
    'EHOSTUNREACH',
    'firewall',
  ],
  [
    'region typo: DNS',
    Object.assign(new Error('getaddrinfo ENOTFOUND api.ecr.us-east-7.amazonaws.com'), { code: 'ENOTFOUND' }),
    'us-east-7',
    'EndpointNotFound',
    'api.ecr.us-east-7.amazonaws.com does not resolve',
    'did you mean "us-east-1"',
  ],
  [
    'DNS failure in a known region',
    Object.assign(new Error('getaddrinfo ENOTFOUND api.ecr.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
    'eu-west-1',
    'EndpointNotFound',
    'does not resolve',
    'Check the DNS',
  ],
  [
    '5xx on every attempt',
    sdkError('ServerException', 500, 'boom', 3),
    'eu-west-1',
    'AwsServerError',
    'after 3 attempts',
    're-run the job later',
  ],
  [
    'any other AWS refusal, shown as AWS said it',
    sdkError('LimitExceededException', 400, 'Too many repositories'),
    'eu-west-1',
    'AwsError',
    'LimitExceededException (HTTP 400): Too many repositories',
    '',
  ],
];

describe('explainAwsError', () => {
  it.each(ROWS)('%s', (_, error, region, code, inMessage, inHint) => {
    const explained = explainAwsError(error, 'ecr:DescribeRepositories', region, make) as EcrError;
    expect(explained).toBeInstanceOf(EcrError);
    expect(explained.code).toBe(code);
    expect(explained.message).toMatch(/^ecr:DescribeRepositories failed/);
    expect(explained.message).toContain(inMessage);
    expect(explained.hint ?? '').toContain(inHint);
  });

  it('an ActionError or a bug passes through', () => {
    const known = new ActionError('known');
    const bug = new TypeError('x is undefined');
    expect(explainAwsError(known, 'op', 'eu-west-1', make)).toBe(known);
    expect(explainAwsError(bug, 'op', 'eu-west-1', make)).toBe(bug);
  });
});

describe('unknownRegion', () => {
  it.each<[string, string | undefined]>([
    ['eu-west-1', undefined],
    ['us-gov-west-1', undefined],
    ['cn-northwest-1', undefined],
    ['us-east-7', '"us-east-7" is not an AWS region this version knows: did you mean "us-east-1"?'],
    ['eu-wset-1', '"eu-wset-1" is not an AWS region this version knows: did you mean "eu-west-1"?'],
    ['xx-nowhere-9', '"xx-nowhere-9" is not an AWS region this version knows.'],
  ])('%s', (region, expected) => expect(unknownRegion(region)).toBe(expected));
});
