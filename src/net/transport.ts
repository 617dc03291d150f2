/**
 * How this process reaches the network: Node's http/https agents and the SDK's default handler,
 * or, once useProxy() was given settings, the proxied ones. One setting per process, as the proxy
 * variables are; every adapter that talks HTTP (OIDC, STS, ECR, ECR Public, the registry client)
 * goes through httpSend() or withTransport().
 */
import type { Agent } from 'node:http';
import type { NodeHttpHandler, NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { sendRequest, type HttpAnswer, type HttpRequest } from './http-client.js';
import type { ProxySettings } from './proxy.js';

let current: {
  agent?: Agent;
  requestHandler?: (options: NodeHttpHandlerOptions) => NodeHttpHandler;
} = {};

/** Installs the proxy (loading its code) when `settings` names one; a no-op otherwise. */
export async function useProxy(settings: ProxySettings | undefined): Promise<void> {
  if (!settings) return;
  const { routingAgent, proxiedRequestHandlers } = await import('./proxy-agents.js');
  const agent = routingAgent(settings);
  current = { agent, requestHandler: proxiedRequestHandlers(agent) };
}

/** One HTTP exchange (http-client.ts) through the proxy when one is installed. */
export function httpSend(url: string | URL, request: HttpRequest): Promise<HttpAnswer> {
  return sendRequest(url, request, () => current.agent);
}

/**
 * An SDK client's configuration with the proxy applied: its `requestHandler` options (timeouts)
 * become a proxied handler with the same options. Unchanged without a proxy.
 */
export function withTransport<T extends object>(config: T): T {
  if (!current.requestHandler) return config;
  const options = (config as { requestHandler?: NodeHttpHandlerOptions }).requestHandler;
  return { ...config, requestHandler: current.requestHandler({ ...options }) };
}
