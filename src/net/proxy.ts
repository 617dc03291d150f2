/**
 * Which proxy, if any, a request to a URL goes through: the `http-proxy` / `no-proxy` inputs, else
 * the conventional variables (lower case first, as curl and most tools read them). Pure.
 */
import { isIP } from 'node:net';
import { ActionError } from '../errors.js';

interface ProxyInputs {
  /** `http-proxy`: one proxy for every scheme; wins over HTTPS_PROXY / HTTP_PROXY. */
  httpProxy?: string;
  /** `no-proxy`: wins over NO_PROXY. */
  noProxy?: string;
}

export interface ProxySettings {
  /** Proxy URL for https:// targets. */
  https?: string;
  /** Proxy URL for http:// targets. */
  http?: string;
  /** The NO_PROXY list as written. */
  noProxy: string;
}

type Env = Record<string, string | undefined>;

function fromEnv(env: Env, name: string): { name: string; value: string } | undefined {
  for (const key of [name.toLowerCase(), name]) {
    const value = env[key]?.trim();
    if (value) return { name: key, value };
  }
  return undefined;
}

/** `host:port` without a scheme means an HTTP proxy (curl's reading). */
export function proxyUrl(raw: string, source: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badProxy(raw, source);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) throw badProxy(raw, source);
  return url.href;
}

function badProxy(raw: string, source: string): ActionError {
  // The value may hold a proxy password: only its shape is shown.
  const shown = raw.replace(/\/\/[^@/]*@/, '//***@');
  return new ActionError(
    `${source} is not a proxy URL: "${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}".`,
    'Write http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT, or https:// for a TLS proxy); SOCKS proxies are not supported.',
    'BadProxy',
  );
}

/** The proxy configuration of this run, or undefined when no proxy is set anywhere (the common case). */
export function resolveProxy(inputs: ProxyInputs, env: Env): ProxySettings | undefined {
  const noProxy = inputs.noProxy ?? fromEnv(env, 'NO_PROXY')?.value ?? '';
  if (inputs.httpProxy) {
    const url = proxyUrl(inputs.httpProxy, 'Input `http-proxy`');
    return { https: url, http: url, noProxy };
  }
  const https = fromEnv(env, 'HTTPS_PROXY');
  const http = fromEnv(env, 'HTTP_PROXY');
  if (!https && !http) return undefined;
  return {
    https: https && proxyUrl(https.value, `The ${https.name} environment variable`),
    http: http && proxyUrl(http.value, `The ${http.name} environment variable`),
    noProxy,
  };
}

/** The proxy a request to `target` goes through, or undefined to connect directly. */
export function proxyFor(settings: ProxySettings, target: string | URL): string | undefined {
  let url: URL;
  try {
    url = typeof target === 'string' ? new URL(target) : target;
  } catch {
    return undefined;
  }
  const proxy =
    url.protocol === 'https:' ? settings.https : url.protocol === 'http:' ? settings.http : undefined;
  if (!proxy) return undefined;
  return bypassesProxy(settings.noProxy, url) ? undefined : proxy;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * NO_PROXY as curl, Go and the AWS actions read it: entries separated by commas or spaces; `*`
 * alone matches everything; `host` matches the host and its subdomains, `.host` and `*.host` the
 * same; `host:port` (or `[v6]:port`) only that port; IP addresses match exactly. Case-insensitive.
 */
export function bypassesProxy(noProxy: string, url: URL): boolean {
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  const port = url.port || DEFAULT_PORTS[url.protocol] || '';
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const { name, port: entryPort } = splitEntry(entry.toLowerCase());
      if (entryPort && entryPort !== port) return false;
      const pattern = name.replace(/^\*/, '').replace(/\.$/, '');
      if (pattern === '') return false;
      if (isIP(host) || isIP(pattern)) return host === pattern;
      if (pattern.startsWith('.')) return host.endsWith(pattern) || host === pattern.slice(1);
      return host === pattern || host.endsWith(`.${pattern}`);
    });
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address (several colons, no port). */
function splitEntry(entry: string): { name: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, port: bracketed[2] };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  return withPort ? { name: withPort[1]!, port: withPort[2] } : { name: entry };
}
