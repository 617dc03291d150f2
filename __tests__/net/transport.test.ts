import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBody } from '../../src/net/http-client.js';
import { httpSend, preconnect, useProxy, withTransport } from '../../src/net/transport.js';
import { TEST_TLS } from '../support/test-tls.js';

// Connections the test server accepted, and the TLS connections preconnect opened.
let server: Server;
let origin = '';
const accepted: Socket[] = [];
const opened: ReturnType<typeof connect>[] = [];
/** tls.connect trusting the test certificate; what preconnect is given. */
const trusting = (options: ConnectionOptions) => {
  const socket = connect({ ...options, ca: TEST_TLS.cert });
  opened.push(socket);
  return socket;
};
/** A request as the registry client sends it, trusting the test certificate on a new connection. */
const get = async (path: string) => {
  const answer = await httpSend(`${origin}${path}`, { timeoutMs: 5000 });
  return `${answer.status} ${(await readBody(answer)).toString()}`;
};

beforeAll(async () => {
  server = createServer({ ...TEST_TLS }, (req, res) => res.end(`hello ${req.url}`));
  server.on('secureConnection', (socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  // New connections (not preconnected) trust the test certificate too.
  (await import('node:https')).globalAgent.options.ca = TEST_TLS.cert;
});
afterAll(() => server.close());
beforeEach(async () => {
  accepted.length = 0;
  opened.length = 0;
  // No kept-alive connection of an earlier test may answer this one's requests.
  (await import('node:https')).globalAgent.destroy();
});

const connected = (socket: ReturnType<typeof connect>) =>
  new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });

describe('preconnect', () => {
  it('opens the TLS connection at once; the first request to the origin goes over it, the next connects anew', async () => {
    preconnect(origin, trusting);
    expect(opened).toHaveLength(1);
    await connected(opened[0]!);
    await expect.poll(() => accepted.length).toBe(1);
    expect(await get('/first')).toBe('200 hello /first');
    expect(accepted).toHaveLength(1);
    expect(await get('/second')).toBe('200 hello /second');
    expect(accepted).toHaveLength(2);
  });

  it('a second preconnect to an origin already warm opens nothing more', async () => {
    preconnect(origin, trusting);
    preconnect(origin, trusting);
    expect(opened).toHaveLength(1);
    expect(await get('/once')).toBe('200 hello /once');
  });

  it('a warm connection the server closed is dropped: the request connects anew and succeeds', async () => {
    preconnect(origin, trusting);
    await connected(opened[0]!);
    await expect.poll(() => accepted.length).toBe(1);
    const closed = new Promise((resolve) => opened[0]!.once('close', resolve));
    accepted[0]!.destroy();
    await closed;
    expect(await get('/after-close')).toBe('200 hello /after-close');
    expect(accepted).toHaveLength(2);
  });

  it('a connection that fails is dropped quietly (nothing thrown, nothing left warm)', async () => {
    const refused = `https://localhost:1`;
    preconnect(refused, trusting);
    const error = await new Promise<Error>((resolve) => opened[0]!.once('error', resolve));
    expect((error as Error & { code?: string }).code).toBe('ECONNREFUSED');
    preconnect(refused, trusting);
    expect(opened).toHaveLength(2);
    await new Promise((resolve) => opened[1]!.once('error', resolve));
  });

  it('plain http: nothing to warm', () => {
    preconnect(origin.replace('https:', 'http:'), trusting);
    expect(opened).toHaveLength(0);
  });
});

describe('withTransport', () => {
  it('leaves SDK configuration alone without a proxy, and keeps the handler options with one', async () => {
    const config = { region: 'eu-west-1', requestHandler: { requestTimeout: 1234, connectionTimeout: 55 } };
    expect(withTransport(config)).toBe(config);
    await useProxy(undefined);
    expect(withTransport(config)).toBe(config);

    await useProxy({ https: 'http://proxy.corp:3128/', noProxy: '' });
    const proxied = withTransport(config) as unknown as { region: string; requestHandler: NodeHttpHandler };
    expect(proxied.region).toBe('eu-west-1');
    expect(proxied.requestHandler).toBeInstanceOf(NodeHttpHandler);
    const options = await (
      proxied.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }
    ).configProvider;
    expect(options).toMatchObject({ requestTimeout: 1234, connectionTimeout: 55 });
    // One handler per client: destroying one client's handler leaves the others working.
    expect(withTransport(config).requestHandler).not.toBe(proxied.requestHandler);
  });

  it('behind a proxy preconnect opens nothing: the proxy agent makes every connection', () => {
    // The proxy installed above is still in place (one setting per process).
    preconnect(origin, trusting);
    expect(opened).toHaveLength(0);
  });
});
