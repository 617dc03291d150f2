/**
 * Identity-based permission policies of the emulator's roles, evaluated like IAM for one action on
 * one resource: an explicit Deny wins, then any Allow, else the implicit deny. `*` and `?` are
 * wildcards in actions and resources, actions compare case-insensitively.
 *
 * A principal without a policy (the static keys, a role of topology.ts without `policy`) may do
 * everything, as the stack did before policies existed. Tests replace a role's policy through the
 * control API (`POST /_control/policies`) until the next reset.
 */
import { ROLES, type PolicyStatement } from '../topology.js';
import type { Principal } from './credentials.js';
import { AwsError } from './protocol.js';

const overrides = new Map<string, PolicyStatement[]>();

export function setRolePolicy(roleArn: string, statements: PolicyStatement[]): void {
  overrides.set(
    roleArn,
    statements.map((s) => ({ ...s })),
  );
}

export function resetRolePolicies(): void {
  overrides.clear();
}

/** The statements in force for a role; undefined when it may do everything. */
export function policyOf(roleArn: string | undefined): PolicyStatement[] | undefined {
  if (roleArn === undefined) return undefined;
  return overrides.get(roleArn) ?? ROLES.find((r) => r.arn === roleArn)?.policy;
}

function wildcard(pattern: string, value: string, flags = ''): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, flags).test(value);
}

function matches(statement: PolicyStatement, action: string, resource: string): boolean {
  return (
    statement.actions.some((a) => wildcard(a, action, 'i')) &&
    statement.resources.some((r) => wildcard(r, resource))
  );
}

export function isAllowed(statements: PolicyStatement[], action: string, resource: string): boolean {
  const applicable = statements.filter((s) => matches(s, action, resource));
  return applicable.some((s) => s.effect !== 'Deny') && !applicable.some((s) => s.effect === 'Deny');
}

/**
 * Throws ECR's AccessDeniedException unless the principal may perform `action` on every resource.
 * The message is the one AWS writes for an identity-based implicit or explicit deny.
 */
export function authorize(principal: Principal, action: string, resources: string[]): void {
  const statements = policyOf(principal.roleArn);
  if (!statements) return;
  for (const resource of resources) {
    if (isAllowed(statements, action, resource)) continue;
    const denied = statements.some((s) => s.effect === 'Deny' && matches(s, action, resource));
    const reason = denied
      ? `with an explicit deny in an identity-based policy`
      : `because no identity-based policy allows the ${action} action`;
    throw new AwsError(
      'AccessDeniedException',
      `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`,
      400,
    );
  }
}
