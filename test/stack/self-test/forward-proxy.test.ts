/**
 * The logging forward proxy in front of a small HTTP server on a free port: absolute-form HTTP
 * requests are forwarded, CONNECT opens a TCP tunnel, and both land in the log with their status.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ForwardProxy, proxyLog, resetProxyLog, startForwardProxy } from '../forward-proxy.js';

let proxy: ForwardProxy;
let origin: http.Server;
let originPort: number;
let proxyPort: number;
const seen: { url: string; host: string; proxyAuth: boolean }[] = [];

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      host: req.headers.host ?? '',
      proxyAuth: req.headers['proxy-authorization'] !== undefined,
    });
    res.writeHead(201, { 'content-type': 'text/plain' }).end(`hello ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originPort = (origin.address() as AddressInfo).port;
  proxy = await startForwardProxy(0);
  proxyPort = Number(new URL(proxy.url).port);
});

afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => origin?.close(resolve));
});

beforeEach(() => {
  resetProxyLog();
  seen.length = 0;
});

function viaProxy(
  path: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(target: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: target });
    req.on('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.on('response', (res) => resolve({ status: res.statusCode ?? 0, socket: res.socket }));
    req.on('error', reject);
    req.end();
  });
}

describe('forward proxy', () => {
  it('forwards an absolute-form HTTP request without the proxy credentials, and logs it', async () => {
    const url = `http://127.0.0.1:${originPort}/path?q=1`;
    const res = await viaProxy(url, { 'proxy-authorization': 'Basic dTpw' });
    expect(res).toEqual({ status: 201, body: 'hello GET /path?q=1' });
    expect(seen).toEqual([{ url: '/path?q=1', host: `127.0.0.1:${originPort}`, proxyAuth: false }]);
    expect(proxyLog()).toMatchObject([{ method: 'GET', target: url, status: 201, proxyAuthorization: true }]);
  });

  it('tunnels CONNECT to the target and logs host:port', async () => {
    const target = `127.0.0.1:${originPort}`;
    const { status, socket } = await connect(target);
    expect(status).toBe(200);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.write(`GET /tunnelled HTTP/1.1\r\nHost: ${target}\r\nConnection: close\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 201/);
    expect(answer).toContain('hello GET /tunnelled');
    expect(proxyLog()).toMatchObject([{ method: 'CONNECT', target, status: 200, proxyAuthorization: false }]);
  });

  it('answers 502 when the target does not listen, 400 to a request that is not absolute-form', async () => {
    const closed = await connect('127.0.0.1:1');
    expect(closed.status).toBe(502);
    closed.socket.destroy();
    expect((await viaProxy('/relative')).status).toBe(400);
    expect(proxyLog().map((e) => [e.method, e.status])).toEqual([
      ['CONNECT', 502],
      ['GET', 400],
    ]);
  });
});
