/**
 * The control API of the local stack, served by the AWS emulator under /_control (JSON): faults,
 * the request log, the forward proxy's log, OIDC claim overrides, role policies, seeded scan findings, repositories and
 * registry counters.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  currentLatency,
  type Fault,
  type Latency,
  type LatencyTarget,
  requestLog,
  resetFaultsAndLog,
  setFaults,
  setLatency,
} from './faults.js';
import { issuedSecrets } from './aws/credentials.js';
import { resetRolePolicies, setRolePolicy } from './aws/iam.js';
import { proxyLog, resetProxyLog } from './forward-proxy.js';
import { cacheEntries } from './actions-cache.js';
import { issuedIdTokens, type OidcOverrides, resetOidcOverrides, setOidcOverrides } from './oidc-issuer.js';
import { registryStats, resetRegistryStats } from './registry-proxy.js';
import type { PolicyStatement } from './topology.js';
import { type ScanStatus, type SeededFindings, listRepositories, resetState, seedFindings } from './state.js';

export interface FindingsSeed extends SeededFindings {
  repository: string;
}

const SCAN_STATUSES: ScanStatus[] = ['COMPLETE', 'FAILED', 'UNSUPPORTED_IMAGE'];
const LATENCY_TARGETS: LatencyTarget[] = ['registry', 'aws', 'oidc', 'cache'];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function parse(body: Buffer): unknown {
  return body.length ? JSON.parse(body.toString('utf8')) : undefined;
}

function repositories() {
  return listRepositories().map(({ pushedAt: _, ...repo }) => repo);
}

/** Answers a request under /_control; the body has already been read. */
export function handleControl(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const route = `${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`;
  let input: unknown;
  try {
    input = parse(body);
  } catch {
    return send(res, 400, { error: 'body is not JSON' });
  }
  switch (route) {
    case 'POST /_control/faults':
      if (!Array.isArray(input)) return send(res, 400, { error: 'expected a list of faults' });
      setFaults(input as Fault[]);
      return send(res, 200, { ok: true });
    case 'POST /_control/policies': {
      const body = input as { roleArn?: unknown; statements?: unknown } | undefined;
      const valid =
        typeof body?.roleArn === 'string' &&
        Array.isArray(body.statements) &&
        (body.statements as Partial<PolicyStatement>[]).every(
          (st) => Array.isArray(st?.actions) && Array.isArray(st.resources),
        );
      if (!valid)
        return send(res, 400, { error: 'expected {roleArn, statements: [{actions, resources, effect?}]}' });
      setRolePolicy(body.roleArn as string, body.statements as PolicyStatement[]);
      return send(res, 200, { ok: true });
    }
    case 'GET /_control/cache':
      return send(res, 200, cacheEntries());
    case 'GET /_control/proxy-log':
      return send(res, 200, proxyLog());
    case 'POST /_control/latency': {
      const body = input as Partial<Latency> | undefined;
      const targets = body?.targets ?? ['registry', 'aws'];
      if (typeof body?.ms !== 'number' || body.ms < 0 || !targets.every((t) => LATENCY_TARGETS.includes(t)))
        return send(res, 400, { error: `expected {ms >= 0, targets?: (${LATENCY_TARGETS.join('|')})[]}` });
      setLatency({ ms: body.ms, targets });
      return send(res, 200, currentLatency());
    }
    case 'GET /_control/latency':
      return send(res, 200, currentLatency());
    case 'GET /_control/log':
      return send(res, 200, requestLog());
    case 'POST /_control/reset':
      // Registry content stays: tests use fresh repository names.
      resetFaultsAndLog();
      resetState();
      resetOidcOverrides();
      resetRegistryStats();
      resetRolePolicies();
      resetProxyLog();
      return send(res, 200, { ok: true });
    case 'POST /_control/oidc':
      if (!input || typeof input !== 'object')
        return send(res, 400, { error: 'expected an object of claims' });
      setOidcOverrides(input as OidcOverrides);
      return send(res, 200, { ok: true });
    case 'POST /_control/findings': {
      const seed = input as Partial<FindingsSeed> | undefined;
      if (typeof seed?.repository !== 'string' || !seed.counts || typeof seed.counts !== 'object') {
        return send(res, 400, { error: 'expected {repository, counts, status?}' });
      }
      if (seed.status !== undefined && !SCAN_STATUSES.includes(seed.status)) {
        return send(res, 400, { error: `status must be one of ${SCAN_STATUSES.join(', ')}` });
      }
      seedFindings(seed.repository, { counts: seed.counts, status: seed.status });
      return send(res, 200, { ok: true });
    }
    case 'GET /_control/secrets':
      // Local test secrets only: what a leak scan must not find in the action's output.
      return send(res, 200, { idTokens: issuedIdTokens(), credentials: issuedSecrets() });
    case 'GET /_control/repositories':
      return send(res, 200, repositories());
    case 'GET /_control/registry-stats':
      return send(res, 200, registryStats());
    case 'POST /_control/registry-stats':
      resetRegistryStats();
      return send(res, 200, { ok: true });
    default:
      return send(res, 404, { error: `unknown control route ${route}` });
  }
}
