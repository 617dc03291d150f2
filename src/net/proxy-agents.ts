/**
 * The proxy plumbing, loaded only when a proxy is configured (transport.ts imports it lazily), so
 * runs without one never parse the agents. A library, not a hand-written tunnel: https-proxy-agent
 * (what configure-aws-credentials gives its NodeHttpHandler), for the SDK and for http-client.ts
 * alike. It asks proxy.ts per request, so NO_PROXY holds for every host, redirects included.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { Agent as AgentBase, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyFor, type ProxySettings } from './proxy.js';

/** One agent per proxy URL, made on first use. */
function perProxy<T>(make: (proxy: string) => T): (proxy: string) => T {
  const made = new Map<string, T>();
  return (proxy) => {
    let agent = made.get(proxy);
    if (!agent) made.set(proxy, (agent = make(proxy)));
    return agent;
  };
}

/**
 * An http.Agent that tunnels each request through the proxy proxy.ts names (CONNECT), or connects
 * directly. AWS endpoints are HTTPS; a plain-HTTP endpoint (an emulator) is tunnelled too:
 * http-proxy-agent's absolute-form rewrite loses the request line of a body the SDK has already
 * written.
 */
class RoutingAgent extends AgentBase {
  private readonly tunnel = perProxy((proxy) => new HttpsProxyAgent(proxy, { keepAlive: true }));

  constructor(private readonly settings: ProxySettings) {
    super({ keepAlive: true });
  }

  connect(req: http.ClientRequest, options: AgentConnectOpts): http.Agent {
    const scheme = options.secureEndpoint ? 'https' : 'http';
    const host = req.host.includes(':') ? `[${req.host}]` : req.host;
    const proxy = proxyFor(this.settings, `${scheme}://${host}:${options.port}`);
    if (!proxy) return options.secureEndpoint ? https.globalAgent : http.globalAgent;
    return this.tunnel(proxy);
  }
}

/** The one agent of the process when a proxy is set: every request routed by proxy.ts. */
export function routingAgent(settings: ProxySettings): http.Agent {
  return new RoutingAgent(settings);
}

/**
 * A request handler per SDK client (a client's destroy() destroys its handler), all sharing the
 * routing agent and so the proxies' kept-alive connections.
 */
export function proxiedRequestHandlers(
  agent: http.Agent,
): (options: NodeHttpHandlerOptions) => NodeHttpHandler {
  return (options) => new NodeHttpHandler({ ...options, httpAgent: agent, httpsAgent: agent });
}
