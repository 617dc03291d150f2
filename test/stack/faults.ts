/**
 * The fault switch and the request log, shared by every server of the stack
 * (OIDC issuer, AWS emulator, registry proxy). Tests set faults through the
 * control API; each server asks `takeFault(target)` before answering.
 *
 * Targets: `oidc:token`, `sts:<Operation>`, `ecr:<Operation>`, `ecr-public:<Operation>`,
 * `registry:blob-upload` (POST/PATCH/PUT under /blobs/uploads), `registry:manifest-put`,
 * `registry:any`. A fault applies to the next `count` matching requests.
 */
export interface Fault {
  target: string;
  /** Requests it still applies to. */
  count: number;
  /** status: answer with an error (HTTP status + AWS error code); reset: destroy the socket;
   *  latency: delay then answer normally; session (target `sts:session`): the next sessions STS
   *  issues last `sessionSeconds`, whatever DurationSeconds asked (a build that outlives its session). */
  kind: 'status' | 'reset' | 'latency' | 'session';
  status?: number;
  code?: string;
  message?: string;
  latencyMs?: number;
  /** For reset on uploads: bytes of the request body to read before cutting the connection. */
  afterBytes?: number;
  /** For session: how long the issued credentials last. */
  sessionSeconds?: number;
}

export interface LoggedRequest {
  time: string;
  service: 'oidc' | 'sts' | 'ecr' | 'ecr-public' | 'registry' | 'cache';
  operation: string;
  status: number;
  fault?: string;
}

/** Where added latency applies: registry requests (every host), AWS API calls, OIDC tokens, cache calls. */
export type LatencyTarget = 'registry' | 'aws' | 'oidc' | 'cache';

export interface Latency {
  ms: number;
  targets: LatencyTarget[];
}

const faults: Fault[] = [];
const log: LoggedRequest[] = [];
let latency: Latency = { ms: 0, targets: [] };

/**
 * Delays every request to the targets by `ms` before it is answered (on top of any fault), until
 * changed or reset: what a runner some distance from its registry and AWS endpoints sees (issue 16
 * measures at 20 ms on `registry` and `aws`).
 */
export function setLatency(next: Latency): void {
  latency = { ms: next.ms, targets: [...next.targets] };
}

export function currentLatency(): Latency {
  return { ...latency, targets: [...latency.targets] };
}

/** Waits out the latency set for this target (nothing when none is set). */
export async function addedLatency(target: LatencyTarget): Promise<void> {
  if (latency.ms > 0 && latency.targets.includes(target)) await new Promise((r) => setTimeout(r, latency.ms));
}

export function setFaults(list: Fault[]): void {
  faults.splice(0, faults.length, ...list.map((f) => ({ ...f })));
}

/** The fault for this request, if one is armed; consumes one use of it. */
export function takeFault(target: string): Fault | undefined {
  const fault = faults.find(
    (f) => f.count > 0 && (f.target === target || f.target === target.split(':')[0] + ':any'),
  );
  if (!fault) return undefined;
  fault.count -= 1;
  return fault;
}

export function record(entry: Omit<LoggedRequest, 'time'>): void {
  log.push({ time: new Date().toISOString(), ...entry });
}

export function requestLog(): LoggedRequest[] {
  return [...log];
}

export function resetFaultsAndLog(): void {
  faults.length = 0;
  log.length = 0;
  latency = { ms: 0, targets: [] };
}
