/**
 * The job's OIDC token, asked for as the step starts, before the rest of the action is loaded
 * (issue 16, start-up): the token service's answer then overlaps the loading instead of following
 * it. Speculative, and only on what the raw environment already says: the inputs name a role, the
 * job has an OIDC token, no proxy is set (only the parsed inputs can route a request through one)
 * and the audience is a plain one. The credentials phase takes the token only when its parsed plan
 * asks the same service for the same audience (see matchingEarlyToken); otherwise it asks again
 * and this answer is dropped unused.
 */
import { resolveProxy } from '../net/proxy.js';
import { DEFAULT_AUDIENCE, fetchIdToken } from './oidc.js';

export interface EarlyIdToken {
  url: string;
  audience: string;
  token: Promise<string>;
  /**
   * Settles once the request is out (or failed, or SEND_WAIT_MS passed): the entry waits for it
   * before loading the step, whose loading holds the event loop and so would hold the request.
   */
  sent: Promise<void>;
  /** Milliseconds the request took, once it settled: the report's `oidc` time. */
  ms?: number;
}

type Env = Record<string, string | undefined>;

/** The longest the entry waits for the request to be out (a slow DNS or TLS handshake). */
export const SEND_WAIT_MS = 25;
/** What an audience looks like (sts.amazonaws.com, a URL); anything else waits for the parser. */
const PLAIN_AUDIENCE = /^[\w.:/-]{1,256}$/;

/** The audience to ask for early, or undefined when the run may not use the job's OIDC token. Pure. */
export function earlyAudience(env: Env): string | undefined {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return undefined;
  if (!env['INPUT_ROLE-TO-ASSUME']?.trim()) return undefined;
  // Role chaining assumes the role with the credentials already there: no OIDC token.
  if (env['INPUT_ROLE-CHAINING']?.trim().toLowerCase() === 'true') return undefined;
  if (proxied(env)) return undefined;
  const audience = env.INPUT_AUDIENCE?.trim() || DEFAULT_AUDIENCE;
  return PLAIN_AUDIENCE.test(audience) ? audience : undefined;
}

/** A proxy as the credentials phase will read it (input or variables); a malformed one counts too. */
function proxied(env: Env): boolean {
  try {
    return resolveProxy({ httpProxy: env['INPUT_HTTP-PROXY']?.trim() || undefined }, env) !== undefined;
  } catch {
    return true; // the credentials phase reports it
  }
}

/** Sends the request when earlyAudience says so; its failure is left for the first STS attempt. */
export function requestIdTokenEarly(env: Env): EarlyIdToken | undefined {
  const audience = earlyAudience(env);
  if (!audience) return undefined;
  const started = performance.now();
  let sent = () => {};
  const early: EarlyIdToken = {
    url: env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '',
    audience,
    sent: new Promise((resolve) => {
      sent = resolve;
      setTimeout(resolve, SEND_WAIT_MS).unref();
    }),
    token: Promise.resolve(''),
  };
  early.token = fetchIdToken(env, audience, () => sent()).finally(() => {
    early.ms = performance.now() - started;
    sent();
  });
  early.token.catch(() => undefined); // awaited by the credentials phase, or dropped: never unhandled
  return early;
}

/** The early token when it answers what the credentials phase would ask now; else undefined. Pure. */
export function matchingEarlyToken(
  early: EarlyIdToken | undefined,
  env: Env,
  audience: string,
): EarlyIdToken | undefined {
  return early && early.audience === audience && early.url === env.ACTIONS_ID_TOKEN_REQUEST_URL
    ? early
    : undefined;
}
