/** ECR registry hosts: parse what users write, and build the host for an account and region. Pure. */
import { DNS_SUFFIX_PATTERN, partitionOf } from './partitions.js';

export interface RegistryTarget {
  kind: 'private' | 'public';
  /** Registry host docker logs in to: 123456789012.dkr.ecr.eu-west-1.amazonaws.com or public.ecr.aws. */
  host: string;
  /** Account id (private registries). */
  account?: string;
  region: string;
  /** ECR Public alias. */
  alias?: string;
  repository: string;
  /** Image reference without tag: HOST/REPOSITORY (public: public.ecr.aws/ALIAS/REPOSITORY). */
  uri: string;
}

interface ParsedHost {
  account: string;
  region: string;
}

/** An AWS region name: eu-west-1, us-gov-west-1, ap-southeast-2. */
export const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * The one pattern for private ECR hosts, used by the input parser and by resolveTarget alike:
 * ACCOUNT.dkr.ecr[-fips].REGION.SUFFIX (every partition's domain: partitions.ts), or the
 * dual-stack ACCOUNT.dkr-ecr[-fips].REGION.on.aws. The region label is captured loosely here
 * and checked with REGION, so callers can say "X is not a region".
 */
const PRIVATE_HOST = new RegExp(
  `^(\\d{12})\\.(?:dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.(?:${DNS_SUFFIX_PATTERN})|dkr-ecr(?:-fips)?\\.([a-z0-9-]+)\\.on\\.aws)$`,
);

/**
 * Account and region label of anything shaped like a private ECR host, whether or not the
 * label is a real region name (for error hints); undefined if not ECR-shaped.
 */
export function matchEcrHost(host: string): ParsedHost | undefined {
  const m = PRIVATE_HOST.exec(host.toLowerCase());
  return m ? { account: m[1]!, region: (m[2] ?? m[3])! } : undefined;
}

/** Account and region of a private ECR host (standard, FIPS, China, ISO, dual-stack); undefined if not one. */
export function parseEcrHost(host: string): ParsedHost | undefined {
  const parsed = matchEcrHost(host);
  return parsed && REGION.test(parsed.region) ? parsed : undefined;
}

/** The repository's path on its registry host (ECR Public puts the alias first). */
export function registryPath(target: RegistryTarget): string {
  return target.alias ? `${target.alias}/${target.repository}` : target.repository;
}

/** The registry host of an account in a region: the region's partition gives the domain. */
export function privateHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.${partitionOf(region).dnsSuffix}`;
}

export const PUBLIC_HOST = 'public.ecr.aws';
/** ECR Public's API (and its auth tokens) lives only in us-east-1. */
export const PUBLIC_REGION = 'us-east-1';

/**
 * The target from the `registry` input (account id, host, public.ecr.aws/ALIAS or
 * nothing), the repository, the region and the caller's account (the default).
 */
export function resolveTarget(
  registry: string | undefined,
  repository: string,
  region: string,
  callerAccount: string,
): RegistryTarget {
  const spec = (registry ?? '').trim();
  if (spec.startsWith(`${PUBLIC_HOST}/`)) {
    const alias = spec.slice(PUBLIC_HOST.length + 1);
    return {
      kind: 'public',
      host: PUBLIC_HOST,
      alias,
      region: PUBLIC_REGION,
      repository,
      uri: `${PUBLIC_HOST}/${alias}/${repository}`,
    };
  }
  const parsed = parseEcrHost(spec);
  if (parsed) {
    const host = spec.toLowerCase();
    return {
      kind: 'private',
      host,
      account: parsed.account,
      region: parsed.region,
      repository,
      uri: `${host}/${repository}`,
    };
  }
  const account = /^\d{12}$/.test(spec) ? spec : callerAccount;
  const host = privateHost(account, region);
  return { kind: 'private', host, account, region, repository, uri: `${host}/${repository}` };
}
