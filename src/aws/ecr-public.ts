import { ECRPUBLICClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr-public';
import { EcrError } from '../errors.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import { explainAwsError } from './aws-errors.js';
import type { RegistryLogin } from '../types/registry.js';
import { decodeToken } from './ecr.js';
import { PUBLIC_REGION } from './registry-host.js';
import { SDK_DEFAULTS, type AwsSession } from './session.js';
import { withTransport } from '../net/transport.js';

/** ECR Public login: its API, and so its tokens, exist only in us-east-1. */
export async function publicLogin(
  session: AwsSession,
  retry: RetryPolicy,
  mask: (value: string) => void,
): Promise<RegistryLogin> {
  const client = new ECRPUBLICClient(
    withTransport({ region: PUBLIC_REGION, ...SDK_DEFAULTS, credentials: session.credentials }),
  );
  try {
    const out = await withRetry(
      'ecr-public:GetAuthorizationToken',
      () => client.send(new GetAuthorizationTokenCommand({})),
      retry,
    );
    const token = out.authorizationData?.authorizationToken;
    if (!token) throw new EcrError('ECR Public returned no authorization token.', undefined, 'EcrNoToken');
    mask(token);
    return decodeToken(token, mask);
  } catch (error) {
    throw explainAwsError(
      error,
      'ecr-public:GetAuthorizationToken',
      PUBLIC_REGION,
      (message, hint, code) => new EcrError(message, hint, code),
    );
  } finally {
    client.destroy();
  }
}
