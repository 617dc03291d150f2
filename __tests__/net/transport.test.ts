import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { useProxy, withTransport } from '../../src/net/transport.js';

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
});
