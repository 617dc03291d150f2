/**
 * `base-registries`: ECR registries the build only pulls from (base images in a shared account).
 * One ECR token covers every registry its principal may read in the token's region, so one
 * GetAuthorizationToken per region and role is enough, and none where the primary registry's
 * token covers them. Pure.
 */
import { PUBLIC_HOST, PUBLIC_REGION, type RegistryTarget } from '../aws/registry-host.js';
import type { ExtraTarget } from '../inputs/types.js';

export interface BaseLogin {
  /** The registry the token is asked for, as the first of its lines names it (host or public.ecr.aws/ALIAS). */
  registry: string;
  /** The token's region (ECR Public: us-east-1). */
  region: string;
  public: boolean;
  /** The role the token is asked with; none: the job's session. */
  roleToAssume?: string;
  /** The hosts docker gets this token for (ECR Public: public.ecr.aws, without the alias). */
  hosts: string[];
}

/** The base registries as tokens to ask for: one per region (or ECR Public) and role. */
export function planBaseLogins(specs: readonly ExtraTarget[]): BaseLogin[] {
  const logins = new Map<string, BaseLogin>();
  for (const spec of specs) {
    const isPublic = spec.host?.startsWith(`${PUBLIC_HOST}/`) ?? false;
    const host = isPublic ? PUBLIC_HOST : spec.host!;
    const region = isPublic ? PUBLIC_REGION : spec.region!;
    const key = `${isPublic ? 'public' : region}|${spec.roleToAssume ?? ''}`;
    const login = logins.get(key) ?? {
      registry: spec.host!,
      region,
      public: isPublic,
      ...(spec.roleToAssume ? { roleToAssume: spec.roleToAssume } : {}),
      hosts: [],
    };
    if (!login.hosts.includes(host)) login.hosts.push(host);
    logins.set(key, login);
  }
  return [...logins.values()];
}

/**
 * The logins still to make once the primary registry is open: its own host is logged in already,
 * and its token serves every private registry of its region reached with the same session.
 */
export function remainingBaseLogins<T extends { login: BaseLogin }>(
  bases: readonly T[],
  primary: Pick<RegistryTarget, 'kind' | 'host' | 'region'>,
): (T & { usePrimaryToken: boolean })[] {
  return bases.flatMap((base) => {
    const { login } = base;
    const hosts = login.hosts.filter((host) => host !== primary.host);
    if (hosts.length === 0) return [];
    const usePrimaryToken =
      !login.roleToAssume && !login.public && primary.kind === 'private' && login.region === primary.region;
    return [{ ...base, login: { ...login, hosts }, usePrimaryToken }];
  });
}
