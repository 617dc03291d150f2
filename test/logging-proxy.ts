/**
 * A logging forward proxy for tests, as corporate networks have: absolute-form HTTP requests
 * (`GET http://host/path`) are forwarded, anything else goes through `CONNECT host:port` tunnels.
 * Each request is logged, so a test sees what passed through it (and, with NO_PROXY, what did not).
 */
import http from 'node:http';
import net from 'node:net';

export interface LoggingProxy {
  url: string;
  /** `CONNECT host:port`, or `METHOD http://host/path` for a forwarded request. */
  log: string[];
  close(): Promise<void>;
}

export async function startLoggingProxy(): Promise<LoggingProxy> {
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      // Origin-form (`GET /path`): a client that thinks it talks to the server, not a proxy.
      res.writeHead(400).end('a forward proxy takes absolute URLs\n');
      return;
    }
    const upstream = http.request(
      {
        host: url.hostname,
        port: url.port || 80,
        path: url.pathname + url.search,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    log.push(`CONNECT ${req.url}`);
    const at = (req.url ?? '').lastIndexOf(':');
    const upstream = net.connect(
      Number(req.url!.slice(at + 1)),
      req.url!.slice(0, at).replace(/^\[|\]$/g, ''),
      () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      },
    );
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => [client, upstream].forEach((x) => x.destroy()));
    }
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
