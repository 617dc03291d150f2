import type { RetryPolicy } from '../retry.js';
import type { RegistryLogin } from '../types/registry.js';
import type { Ecr } from './ecr.js';
import { loadSdk } from './load-sdk.js';
import type { RegistryTarget } from './registry-host.js';
import type { AwsSession } from './session.js';

/**
 * The `docker login` credentials for a target: one GetAuthorizationToken from ECR (through
 * `ecr` when the caller holds the registry's client), or from ECR Public, whose API lives
 * only in us-east-1.
 */
export async function registryLogin(
  target: RegistryTarget,
  session: AwsSession,
  retry: RetryPolicy,
  mask: (value: string) => void,
  ecr?: Ecr,
): Promise<RegistryLogin> {
  if (target.kind === 'public') {
    const { publicLogin } = await import('./ecr-public.js');
    return publicLogin(session, retry, mask);
  }
  return (ecr ?? new (await loadSdk()).Ecr(target, session, retry)).login(mask);
}
