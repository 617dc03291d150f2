/**
 * How this process reaches the network: Node's http/https agents and the SDK's default handler,
 * or, once useProxy() was given settings, the proxied ones. One setting per process, as the proxy
 * variables are; every adapter that talks HTTP (OIDC, STS, ECR, ECR Public, the registry client)
 * goes through httpSend() or withTransport().
 */
import type { Agent } from 'node:http';
import { isIP } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
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
  return sendRequest(url, request, (target) => current.agent ?? takeWarm(target));
}

/** TLS connections opened before their first request, by origin. */
const warm = new Map<string, { socket: TLSSocket; opened: number }>();
/** A warm connection older than this is not trusted to be open still: the request connects anew. */
const WARM_MS = 10_000;

/**
 * Opens the TLS connection to an https origin now, so that its first request (a re-run's read of
 * the image config from the registry) finds the handshake done while the ECR calls were out
 * (~20 ms of TLS on loopback, more at a real distance). Not behind a proxy (the agent connects).
 * The socket is unref'd, so it never holds the process; one that fails is dropped quietly and the
 * request connects as usual. `connect`: tls.connect (tests add their CA).
 */
export function preconnect(
  origin: string,
  connect: (options: ConnectionOptions) => TLSSocket = (options) =>
    process.getBuiltinModule('node:tls').connect(options),
): void {
  const url = new URL(origin);
  if (current.agent || url.protocol !== 'https:' || warm.has(url.origin)) return;
  const host = url.hostname;
  const socket = connect({
    host,
    port: Number(url.port || 443),
    servername: isIP(host) ? undefined : host,
    ALPNProtocols: ['http/1.1'],
  });
  socket.unref();
  const drop = () => {
    if (warm.get(url.origin)?.socket === socket) warm.delete(url.origin);
  };
  socket.on('error', drop);
  socket.on('close', drop);
  warm.set(url.origin, { socket, opened: performance.now() });
}

/** The warm connection to `url`'s origin, for one request (ref'd again: it is in use now). */
function takeWarm(url: URL): TLSSocket | undefined {
  const entry = warm.get(url.origin);
  if (!entry) return undefined;
  warm.delete(url.origin);
  if (entry.socket.destroyed || performance.now() - entry.opened > WARM_MS) {
    entry.socket.destroy();
    return undefined;
  }
  return entry.socket.ref();
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
