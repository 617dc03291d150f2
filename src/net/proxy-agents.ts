/**
 * The proxy plumbing, loaded only when a proxy is configured (transport.ts imports it lazily), so
 * runs without one never parse undici or the agents. Libraries, not hand-written tunnels: undici
 * (Node's own fetch implementation) for fetch, and https-proxy-agent (what configure-aws-credentials
 * gives its NodeHttpHandler) for the SDK. Both ask proxy.ts per request, so NO_PROXY holds
 * for every host, redirects included.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { Agent as AgentBase, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Agent, Dispatcher, ProxyAgent, fetch as undiciFetch } from 'undici';
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

/** An undici dispatcher that sends each request through the proxy proxy.ts names for its origin, or directly. */
class RoutingDispatcher extends Dispatcher {
  private readonly direct = new Agent();
  private readonly made: ProxyAgent[] = [];
  private readonly tunnel = perProxy((proxy) => {
    const agent = new ProxyAgent(proxy);
    this.made.push(agent);
    return agent;
  });

  constructor(private readonly settings: ProxySettings) {
    super();
  }

  private route(origin: string): Dispatcher {
    const proxy = proxyFor(this.settings, origin);
    return proxy ? this.tunnel(proxy) : this.direct;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.route(String(options.origin ?? '')).dispatch(options, handler);
  }

  override async close(): Promise<void> {
    await Promise.all([this.direct, ...this.made].map((d) => d.close()));
  }

  override async destroy(): Promise<void> {
    await Promise.all([this.direct, ...this.made].map((d) => d.destroy()));
  }
}

/** `fetch` with the proxy settings applied. */
export function proxiedFetch(settings: ProxySettings): typeof fetch {
  const dispatcher = new RoutingDispatcher(settings);
  // undici's Request/Response are the classes Node's global fetch is built on: the same API.
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}

/**
 * An http.Agent for the SDK that tunnels each request through the proxy proxy.ts names (CONNECT),
 * or connects directly. AWS endpoints are HTTPS; a plain-HTTP endpoint (an emulator) is tunnelled
 * too, as undici does: http-proxy-agent's absolute-form rewrite loses the request line of a body
 * the SDK has already written.
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

/**
 * A request handler per SDK client (a client's destroy() destroys its handler), all sharing one
 * routing agent and so the proxies' kept-alive connections.
 */
export function proxiedRequestHandlers(
  settings: ProxySettings,
): (options: NodeHttpHandlerOptions) => NodeHttpHandler {
  const agent = new RoutingAgent(settings);
  return (options) => new NodeHttpHandler({ ...options, httpAgent: agent, httpsAgent: agent });
}
