/**
 * Behind a proxy: every request the action makes (the OIDC token, STS, ECR) goes through a logging
 * forward proxy when HTTPS_PROXY / HTTP_PROXY (either case) or `http-proxy` say so, and none does
 * when NO_PROXY covers the hosts. Docker's own traffic is the daemon's business, not the action's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeContext } from './contexts.js';
import { allOutput, runAction } from './harness.js';
import { baseInputs, client, proxyEnv, registryDigest, stackEnv, uniqueRepo } from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
/** The stack's logging forward proxy (FORWARD_PROXY_URL). */
const PROXY_URL = proxyEnv().HTTPS_PROXY!;

beforeEach(() => client.reset());

/** What passed through the proxy since the last reset: `CONNECT host:port`, or `METHOD URL`. */
async function proxied(): Promise<string[]> {
  return (await client.proxyLog()).map((entry) => `${entry.method} ${entry.target}`);
}

/** host:port of each endpoint the action calls. */
function endpoints(): Record<string, string> {
  const env = stackEnv();
  const hostOf = (url: string) => new URL(url).host;
  return {
    oidc: hostOf(env.ACTIONS_ID_TOKEN_REQUEST_URL!),
    sts: hostOf(env.AWS_ENDPOINT_URL_STS!),
    ecr: hostOf(env.AWS_ENDPOINT_URL_ECR!),
  };
}

async function pushThrough(inputs: Record<string, string>, env: Record<string, string>) {
  const repo = uniqueRepo('proxy');
  const run = await runAction({
    inputs: { ...baseInputs(repo, makeContext()), ...inputs },
    env: { ...stackEnv(), ...env },
  });
  expect(run.main.code, allOutput(run)).toBe(0);
  expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);
  return run;
}

describe('proxy', () => {
  it.each([
    ['HTTPS_PROXY / HTTP_PROXY', (url: string) => ({ HTTPS_PROXY: url, HTTP_PROXY: url }), {}],
    ['https_proxy / http_proxy', (url: string) => ({ https_proxy: url, http_proxy: url }), {}],
    ['the http-proxy input', () => ({}), { 'http-proxy': 'PROXY' }],
  ])('%s: the OIDC, STS and ECR requests all pass through the proxy', async (_name, env, inputs) => {
    const withUrl = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [k, v.replace('PROXY', PROXY_URL)]),
    );
    await pushThrough(withUrl, env(PROXY_URL));
    const log = await proxied();
    const seen = log.join('\n');
    for (const [name, host] of Object.entries(endpoints())) expect(seen, `${name} (${host})`).toContain(host);
    // Every request is tunnelled (CONNECT), as HTTPS to AWS is; kept-alive tunnels are reused.
    for (const host of Object.values(endpoints())) expect(log).toContain(`CONNECT ${host}`);
    expect(log.every((line) => line.startsWith('CONNECT '))).toBe(true);
  });

  it.each([
    ['NO_PROXY=127.0.0.1', { NO_PROXY: '127.0.0.1' }, {}],
    ['no_proxy with ports', { no_proxy: Object.values(endpoints()).join(',') }, {}],
    ['NO_PROXY=*', { NO_PROXY: '*' }, {}],
    ['the no-proxy input', {}, { 'no-proxy': '127.0.0.1' }],
  ])('%s: nothing passes through the proxy', async (_name, noProxy, inputs) => {
    await pushThrough(inputs, { ...proxyEnv(), ...noProxy });
    expect(await proxied()).toEqual([]);
  });

  it('a proxy that is not a URL fails before any request, naming the variable', async () => {
    const run = await runAction({
      inputs: baseInputs(uniqueRepo('proxy'), makeContext()),
      env: { ...stackEnv(), HTTPS_PROXY: 'socks5://proxy.corp:1080' },
    });
    expect(run.main.code).not.toBe(0);
    expect(allOutput(run)).toContain('The HTTPS_PROXY environment variable is not a proxy URL');
    expect(await proxied()).toEqual([]);
  });
});
