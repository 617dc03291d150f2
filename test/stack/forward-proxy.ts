/**
 * A logging forward proxy, as corporate networks have: plain HTTP requests in absolute form
 * (`GET http://host/path`) are forwarded, HTTPS goes through `CONNECT host:port` tunnels. Every
 * request lands in a log that tests read through the control API, to see what passed through it
 * (and what did not, with NO_PROXY). It asks for no credentials but records whether the client sent
 * Proxy-Authorization (never the value).
 */
import http from 'node:http';
import net from 'node:net';

export interface ProxyLogEntry {
  time: string;
  /** CONNECT, or the method of a forwarded request. */
  method: string;
  /** `host:port` of a CONNECT; the absolute URL of a forwarded request. */
  target: string;
  /** Status the proxy answered (200 for an established tunnel); 502 when the upstream failed. */
  status: number;
  proxyAuthorization: boolean;
}

export interface ForwardProxy {
  url: string;
  close(): Promise<void>;
}

const log: ProxyLogEntry[] = [];

export function proxyLog(): ProxyLogEntry[] {
  return [...log];
}

export function resetProxyLog(): void {
  log.length = 0;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'upgrade',
  'te',
  'trailer',
  'transfer-encoding',
]);

function record(req: http.IncomingMessage, target: string, status: number): void {
  log.push({
    time: new Date().toISOString(),
    method: req.method ?? 'GET',
    target,
    status,
    proxyAuthorization: req.headers['proxy-authorization'] !== undefined,
  });
}

function forward(req: http.IncomingMessage, res: http.ServerResponse): void {
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:') {
    record(req, req.url ?? '', 400);
    res.writeHead(400, { 'content-type': 'text/plain' }).end('a forward proxy takes absolute http:// URLs\n');
    return;
  }
  const headers = {
    ...Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k))),
    host: url.host,
  };
  const upstream = http.request(
    {
      host: url.hostname,
      port: url.port || 80,
      method: req.method,
      path: url.pathname + url.search,
      headers,
    },
    (upRes) => {
      record(req, url.href, upRes.statusCode ?? 502);
      const out = Object.fromEntries(Object.entries(upRes.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
      res.writeHead(upRes.statusCode ?? 502, out);
      upRes.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    record(req, url.href, 502);
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}\n`);
  });
  req.pipe(upstream);
}

function tunnel(req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
  const target = req.url ?? '';
  const [host, port] = [target.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(target)?.[1] ?? 443)];
  let established = false;
  const upstream = net.connect(port, host.replace(/^\[|\]$/g, ''), () => {
    established = true;
    record(req, target, 200);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', (error) => {
    if (!established) {
      record(req, target, 502);
      client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\nproxy: ${error.message}\n`);
    } else client.destroy();
  });
  client.on('error', () => upstream.destroy());
}

export async function startForwardProxy(port: number): Promise<ForwardProxy> {
  const server = http.createServer(forward);
  const sockets = new Set<net.Socket>();
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    tunnel(req, client, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
