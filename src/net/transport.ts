/**
 * How this process reaches the network: Node's fetch and the SDK's default handler, or, once
 * useProxy() was given settings, the proxied ones. One setting per process, as the proxy
 * variables are; every adapter that talks HTTP (OIDC, STS, ECR, ECR Public, the registry client)
 * goes through httpFetch() or sdkTransport().
 */
import type { NodeHttpHandler, NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import type { ProxySettings } from './proxy.js';

let current: {
  fetch: typeof fetch;
  requestHandler?: (options: NodeHttpHandlerOptions) => NodeHttpHandler;
} = {
  fetch: (input, init) => globalThis.fetch(input, init),
};

/** Installs the proxy (loading its code) when `settings` names one; a no-op otherwise. */
export async function useProxy(settings: ProxySettings | undefined): Promise<void> {
  if (!settings) return;
  const { proxiedFetch, proxiedRequestHandlers } = await import('./proxy-agents.js');
  current = { fetch: proxiedFetch(settings), requestHandler: proxiedRequestHandlers(settings) };
}

export const httpFetch: typeof fetch = (input, init) => current.fetch(input, init);

/**
 * An SDK client's configuration with the proxy applied: its `requestHandler` options (timeouts)
 * become a proxied handler with the same options. Unchanged without a proxy.
 */
export function withTransport<T extends object>(config: T): T {
  if (!current.requestHandler) return config;
  const options = (config as { requestHandler?: NodeHttpHandlerOptions }).requestHandler;
  return { ...config, requestHandler: current.requestHandler({ ...options }) };
}
