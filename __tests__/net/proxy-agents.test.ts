/** The routing agent (http-client.ts and the SDK handler) against a real (in-process) forward proxy and target server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBody, sendRequest } from '../../src/net/http-client.js';
import { proxiedRequestHandlers, routingAgent } from '../../src/net/proxy-agents.js';
import {
  proxyLog,
  resetProxyLog,
  startForwardProxy,
  type ForwardProxy,
} from '../../test/stack/forward-proxy.js';

let target: http.Server;
let proxy: ForwardProxy;
let targetPort = 0;
let proxyUrl = '';
/** What passed through the proxy: `CONNECT host:port`, or `METHOD URL` for a forwarded request. */
const seen = () => proxyLog().map((entry) => `${entry.method} ${entry.target}`);

beforeAll(async () => {
  target = http.createServer((req, res) => res.end(`hello ${req.url}`));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetPort = (target.address() as AddressInfo).port;
  // The stack's logging forward proxy, in this process on a port of its own.
  proxy = await startForwardProxy(0);
  proxyUrl = proxy.url;
});

afterAll(async () => {
  target.close();
  await proxy.close();
});

beforeEach(() => {
  resetProxyLog();
});

const settings = (noProxy = '') => ({ http: proxyUrl, https: proxyUrl, noProxy });

/** Two SDK requests, each a POST with a body as every AWS query call is, on one handler. */
async function sdkCalls(noProxy: string): Promise<string[]> {
  const handler = proxiedRequestHandlers(routingAgent(settings(noProxy)))({ requestTimeout: 5000 });
  const bodies: string[] = [];
  for (const path of ['/sdk', '/again']) {
    const { response } = await handler.handle(
      new HttpRequest({
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: targetPort,
        path,
        method: 'POST',
        headers: { host: `127.0.0.1:${targetPort}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    );
    let text = '';
    for await (const chunk of response.body as AsyncIterable<Buffer>) text += String(chunk);
    bodies.push(text);
  }
  handler.destroy();
  return bodies;
}

describe('proxied transport', () => {
  it.each([
    // [NO_PROXY, proxied]
    ['', true],
    ['example.com', true],
    [`127.0.0.1:${targetPort + 1}`, true],
    ['127.0.0.1', false],
    ['*', false],
  ])('a request with NO_PROXY=%j goes through the proxy: %s', async (noProxy, proxied) => {
    const agent = routingAgent(settings(noProxy));
    const res = await sendRequest(`http://127.0.0.1:${targetPort}/oidc`, { timeoutMs: 5000 }, () => agent);
    expect((await readBody(res)).toString()).toBe('hello /oidc');
    // Every request is tunnelled (CONNECT), whatever the target's scheme.
    expect(seen()).toEqual(proxied ? [`CONNECT 127.0.0.1:${targetPort}`] : []);
  });

  it.each([
    ['', true],
    ['127.0.0.1', false],
  ])('the SDK handler with NO_PROXY=%j goes through the proxy: %s', async (noProxy, proxied) => {
    expect(await sdkCalls(noProxy)).toEqual(['hello /sdk', 'hello /again']);
    // Tunnelled (CONNECT) like every AWS endpoint, once: the second call reuses the kept-alive tunnel.
    expect(seen()).toEqual(proxied ? [`CONNECT 127.0.0.1:${targetPort}`] : []);
  });
});
