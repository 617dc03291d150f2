/**
 * Typed client of the stack's control API, for the e2e suite, the demo and the benchmark.
 */
import type { CacheEntry } from './actions-cache.js';
import type { FindingsSeed } from './control.js';
import type { Fault, Latency, LatencyTarget, LoggedRequest } from './faults.js';
import type { ProxyLogEntry } from './forward-proxy.js';
import type { OidcOverrides } from './oidc-issuer.js';
import type { RegistryStats } from './registry-proxy.js';
import type { RepoRecord } from './state.js';
import { PORTS, type PolicyStatement } from './topology.js';

/** A repository as the control API lists it. */
export type RepositoryView = Omit<RepoRecord, 'pushedAt' | 'createdAt'> & { createdAt: string };

export class StackClient {
  constructor(readonly baseUrl = `http://127.0.0.1:${PORTS.aws}`) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_control/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`control API ${method} ${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Arms faults (replacing any armed ones); each applies to the next `count` matching requests. */
  async setFaults(faults: Fault[]): Promise<void> {
    await this.call('POST', 'faults', faults);
  }

  /**
   * Adds `ms` to every request of the targets (default: every registry request and every AWS API
   * call) until changed, `setLatency(0)` or `reset()`; for the benchmark's "20 ms away" runs.
   */
  async setLatency(ms: number, targets?: LatencyTarget[]): Promise<Latency> {
    return this.call('POST', 'latency', { ms, ...(targets ? { targets } : {}) });
  }

  async getLog(): Promise<LoggedRequest[]> {
    return this.call('GET', 'log');
  }

  /** The Actions cache stand-in's entries (kept across resets, like registry content). */
  async cacheEntries(): Promise<CacheEntry[]> {
    return this.call('GET', 'cache');
  }

  /** Every request the forward proxy (FORWARD_PROXY_URL) saw since the last reset, oldest first. */
  async proxyLog(): Promise<ProxyLogEntry[]> {
    return this.call('GET', 'proxy-log');
  }

  /** Clears faults, added latency, the log, the proxy log, repositories, OIDC overrides, role policies, seeded findings and registry counters. */
  async reset(): Promise<void> {
    await this.call('POST', 'reset');
  }

  /**
   * Replaces a role's permission policy until the next reset (e.g. PUSH_PULL_POLICY scoped to one
   * repository, or a Deny of `ecr:DescribeImages`). Denied calls answer AccessDeniedException.
   */
  async setRolePolicy(roleArn: string, statements: PolicyStatement[]): Promise<void> {
    await this.call('POST', 'policies', { roleArn, statements });
  }

  /** Overrides claims of the next tokens, e.g. `{ sub: 'repo:evil/x:ref:refs/heads/main' }` or `{ expiresIn: -60 }`. */
  async setOidcClaims(claims: OidcOverrides): Promise<void> {
    await this.call('POST', 'oidc', claims);
  }

  /** Findings the next scans of this repository report (status UNSUPPORTED_IMAGE or FAILED instead, if given). */
  async seedFindings(seed: FindingsSeed): Promise<void> {
    await this.call('POST', 'findings', seed);
  }

  async repositories(): Promise<RepositoryView[]> {
    return this.call('GET', 'repositories');
  }

  async registryStats(): Promise<RegistryStats> {
    return this.call('GET', 'registry-stats');
  }

  async resetRegistryStats(): Promise<void> {
    await this.call('POST', 'registry-stats');
  }

  /** Every OIDC token and AWS secret the stack issued. */
  async issuedSecrets(): Promise<{ idTokens: string[]; credentials: string[] }> {
    return this.call('GET', 'secrets');
  }
}
