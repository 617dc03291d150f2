import { describe, expect, it } from 'vitest';
import { bypassesProxy, proxyFor, proxyUrl, resolveProxy } from '../../src/net/proxy.js';

describe('bypassesProxy: NO_PROXY entries', () => {
  it.each([
    // [no_proxy, url, bypass]
    ['', 'https://sts.amazonaws.com/', false],
    ['*', 'https://sts.amazonaws.com/', true],
    ['*', 'http://127.0.0.1:8080/', true],
    ['sts.amazonaws.com', 'https://sts.amazonaws.com/', true],
    ['STS.AmazonAWS.com', 'https://sts.amazonaws.com/', true],
    ['sts.amazonaws.com', 'https://sts.eu-west-1.amazonaws.com/', false],
    // a bare domain covers its subdomains, on a label boundary only
    ['amazonaws.com', 'https://api.ecr.eu-west-1.amazonaws.com/', true],
    ['amazonaws.com', 'https://notamazonaws.com/', false],
    ['.amazonaws.com', 'https://api.ecr.eu-west-1.amazonaws.com/', true],
    ['.amazonaws.com', 'https://amazonaws.com/', true],
    ['.amazonaws.com', 'https://amazonaws.com.evil.example/', false],
    ['*.amazonaws.com', 'https://sts.amazonaws.com/', true],
    ['*.amazonaws.com', 'https://example.com/', false],
    ['amazonaws.com.', 'https://sts.amazonaws.com/', true],
    // ports: an entry with a port matches that port only; default ports count
    ['127.0.0.1:8080', 'http://127.0.0.1:8080/token', true],
    ['127.0.0.1:8080', 'http://127.0.0.1:9090/token', false],
    ['registry.example:443', 'https://registry.example/v2/', true],
    ['registry.example:80', 'https://registry.example/v2/', false],
    ['registry.example:80', 'http://registry.example/v2/', true],
    // IP addresses match exactly, not as suffixes
    ['127.0.0.1', 'http://127.0.0.1:4566/', true],
    ['0.0.1', 'http://127.0.0.1:4566/', false],
    ['::1', 'http://[::1]:4566/', true],
    ['[::1]:4566', 'http://[::1]:4566/', true],
    ['[::1]:4567', 'http://[::1]:4566/', false],
    // lists: commas and/or spaces, blanks ignored
    ['localhost, .internal.example ,169.254.169.254', 'http://169.254.169.254/latest', true],
    ['localhost .internal.example', 'https://ecr.internal.example/', true],
    ['localhost,,', 'https://sts.amazonaws.com/', false],
    ['localhost', 'http://localhost:3000/', true],
  ])('NO_PROXY=%j, %s → bypass %s', (noProxy, url, bypass) => {
    expect(bypassesProxy(noProxy, new URL(url))).toBe(bypass);
  });
});

describe('resolveProxy: inputs, then the variables', () => {
  const P = 'http://proxy.corp:3128/';
  it.each([
    // [inputs, env, expected settings]
    [{}, {}, undefined],
    [{}, { NO_PROXY: '*' }, undefined],
    [{}, { HTTPS_PROXY: P }, { https: P, http: undefined, noProxy: '' }],
    [{}, { https_proxy: P }, { https: P, http: undefined, noProxy: '' }],
    [{}, { http_proxy: P, NO_PROXY: 'a.example' }, { https: undefined, http: P, noProxy: 'a.example' }],
    // lower case wins over upper case (curl, Go, most tools)
    [
      {},
      { https_proxy: 'http://lower:1/', HTTPS_PROXY: 'http://upper:1/', no_proxy: 'l', NO_PROXY: 'u' },
      { https: 'http://lower:1/', http: undefined, noProxy: 'l' },
    ],
    // the input covers both schemes and wins over the variables
    [{ httpProxy: P }, { HTTPS_PROXY: 'http://other:1/' }, { https: P, http: P, noProxy: '' }],
    [
      { httpProxy: P, noProxy: 'x.example' },
      { NO_PROXY: 'y.example' },
      { https: P, http: P, noProxy: 'x.example' },
    ],
    // host:port without a scheme is an HTTP proxy
    [{}, { HTTPS_PROXY: 'proxy.corp:3128' }, { https: P, http: undefined, noProxy: '' }],
    [{}, { HTTPS_PROXY: '  ' }, undefined],
  ])('%j with %j', (inputs, env, expected) => {
    expect(resolveProxy(inputs, env)).toEqual(expected);
  });

  it('names the variable and hides the password of a malformed proxy', () => {
    expect(() => resolveProxy({}, { HTTPS_PROXY: 'socks5://user:hunter2@proxy:1080' })).toThrow(
      /The HTTPS_PROXY environment variable is not a proxy URL: "socks5:\/\/\*\*\*@proxy:1080"/,
    );
    expect(() => proxyUrl('http://', 'Input `http-proxy`')).toThrow(/Input `http-proxy` is not a proxy URL/);
  });
});

describe('proxyFor: the proxy of a request', () => {
  const settings = { https: 'http://tls-proxy:1/', http: 'http://plain-proxy:1/', noProxy: '.internal' };
  it.each([
    ['https://sts.amazonaws.com/', 'http://tls-proxy:1/'],
    ['http://127.0.0.1:4566/', 'http://plain-proxy:1/'],
    ['https://registry.internal/v2/', undefined],
    ['ftp://files.example/', undefined],
    ['not a url', undefined],
  ])('%s → %s', (url, proxy) => {
    expect(proxyFor(settings, url)).toBe(proxy);
  });

  it('an https target without HTTPS_PROXY goes direct (HTTP_PROXY is for http only)', () => {
    expect(proxyFor({ http: 'http://p:1/', noProxy: '' }, 'https://sts.amazonaws.com/')).toBeUndefined();
  });
});
