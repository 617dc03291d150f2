/**
 * The TLS front of every registry host: routes by Host header to that host's docker-registry and
 * streams both ways. Everything the plain registry lacks lives here: ECR's repository existence and
 * tag immutability, request counters, and the registry faults.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { addedLatency, record, takeFault, type Fault } from './faults.js';
import {
  BLOB,
  exclusiveWrite,
  linkAccess,
  MANIFEST,
  ordered,
  repositoryKey,
  UPLOAD,
} from './registry-locks.js';
import { ACCOUNTS, PORTS, PUBLIC_ALIAS, PUBLIC_HOST, REGISTRY_USER } from './topology.js';
import { BACKEND_PORTS } from './registry.js';

export type RequestKind =
  'blob-upload' | 'blob-get' | 'blob-head' | 'manifest-get' | 'manifest-head' | 'manifest-put' | 'other';

export interface RegistryStats {
  requests: number;
  byMethod: Record<string, number>;
  byKind: Record<RequestKind, number>;
  /** Bytes of blob upload request bodies received from clients. */
  blobUploadBytes: number;
}

export interface RepositoryPolicy {
  imageTagMutability: string;
  mutabilityExclusions?: string[];
}

/** What the AWS emulator knows about repositories (test/stack/state.ts provides them in the daemon). */
export interface RegistryHooks {
  findRepository(host: string, name: string): RepositoryPolicy | undefined;
  onManifestPushed(host: string, repository: string, reference: string, digest: string): void;
}

export interface RegistryProxyOptions {
  cert: string;
  key: string;
  /** The backends' password: the proxy checks credentials itself so that unknown repositories answer
   *  NAME_UNKNOWN only to authenticated clients, as ECR does. */
  password: string;
  hooks: RegistryHooks;
  /** 0 picks a free port; PORTS.registry by default. */
  port?: number;
  /** Backend port per registry host; BACKEND_PORTS by default. */
  backends?: { host: string; port: number }[];
  /** Hosts that are not ECR: forwarded as they are (the backend checks credentials), no ECR rules. */
  plainBackends?: { host: string; port: number }[];
}

export interface RegistryProxy {
  port: number;
  close(): Promise<void>;
}

const KINDS: RequestKind[] = [
  'blob-upload',
  'blob-get',
  'blob-head',
  'manifest-get',
  'manifest-head',
  'manifest-put',
  'other',
];

function emptyStats(): RegistryStats {
  return {
    requests: 0,
    byMethod: {},
    byKind: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<RequestKind, number>,
    blobUploadBytes: 0,
  };
}

let stats = emptyStats();

export function registryStats(): RegistryStats {
  return structuredClone(stats);
}

export function resetRegistryStats(): void {
  stats = emptyStats();
}

interface Route {
  kind: RequestKind;
  /** Repository name as the backend knows it (for public.ecr.aws: `<alias>/<repo>`). */
  name?: string;
  /** Manifest reference (tag or digest). */
  reference?: string;
}

const TAGS = /^\/v2\/(.+)\/tags\/list$/;
const DIGEST = /^[a-z0-9+._-]+:[a-zA-Z0-9=_-]+$/;

export function classify(method: string, pathname: string): Route {
  let m = MANIFEST.exec(pathname);
  if (m) {
    const kind =
      method === 'GET'
        ? 'manifest-get'
        : method === 'HEAD'
          ? 'manifest-head'
          : method === 'PUT'
            ? 'manifest-put'
            : 'other';
    return { kind, name: m[1], reference: decodeURIComponent(m[2]!) };
  }
  m = UPLOAD.exec(pathname);
  if (m) return { kind: ['POST', 'PATCH', 'PUT'].includes(method) ? 'blob-upload' : 'other', name: m[1] };
  m = BLOB.exec(pathname);
  if (m)
    return { kind: method === 'GET' ? 'blob-get' : method === 'HEAD' ? 'blob-head' : 'other', name: m[1] };
  m = TAGS.exec(pathname);
  if (m) return { kind: 'other', name: m[1] };
  return { kind: 'other' };
}

/** `*` matches any run of characters, as in ECR's tag mutability exclusion filters. */
function matchesFilter(tag: string, filter: string): boolean {
  const pattern = filter
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(tag);
}

export function tagIsImmutable(policy: RepositoryPolicy, tag: string): boolean {
  const excluded = (policy.mutabilityExclusions ?? []).some((f) => matchesFilter(tag, f));
  switch (policy.imageTagMutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    default:
      return false;
  }
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ code, message }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'docker-distribution-api-version': 'registry/2.0',
  });
  res.end(body);
}

function faultCode(status: number): string {
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  return status >= 500 ? 'UNAVAILABLE' : 'UNSUPPORTED';
}

function authorized(req: http.IncomingMessage, password: string): boolean {
  const [scheme, value] = (req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return false;
  return Buffer.from(value, 'base64').toString('utf8') === `${REGISTRY_USER}:${password}`;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

function forwardHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k)));
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export function startRegistryProxy(options: RegistryProxyOptions): Promise<RegistryProxy> {
  const plainHosts = new Set((options.plainBackends ?? []).map((b) => b.host));
  const backendByHost = new Map(
    [...(options.backends ?? BACKEND_PORTS), ...(options.plainBackends ?? [])].map((b) => [b.host, b.port]),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  /** Whether a manifest answers for this tag in the backend (the client's credentials are reused). */
  const tagExists = (port: number, req: http.IncomingMessage, name: string, tag: string): Promise<boolean> =>
    new Promise((resolve, reject) => {
      const head = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'HEAD',
          path: `/v2/${name}/manifests/${encodeURIComponent(tag)}`,
          agent,
          headers: {
            host: req.headers.host,
            authorization: req.headers.authorization,
            accept: MANIFEST_TYPES,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      head.on('error', reject);
      head.end();
    });

  const forward = (
    port: number,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: Route,
    onPushed?: (digest: string) => void,
  ): void => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        agent,
        // The Host header is kept and the scheme announced so that the Location URLs the backend
        // builds point back at this proxy.
        headers: { ...forwardHeaders(req.headers), 'x-forwarded-proto': 'https' },
      },
      (upRes) => {
        const status = upRes.statusCode ?? 502;
        const digest = upRes.headers['docker-content-digest'];
        if (onPushed && status >= 200 && status < 300 && typeof digest === 'string') onPushed(digest);
        res.writeHead(status, forwardHeaders(upRes.headers));
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (error) => {
      if (res.headersSent) res.destroy();
      else sendError(res, 502, 'UNAVAILABLE', `registry backend: ${error.message}`);
    });
    if (route.kind === 'blob-upload')
      req.on('data', (chunk: Buffer) => (stats.blobUploadBytes += chunk.length));
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  /** `forward`, settled when the answer is sent (or the connection is gone). */
  const forwarded = (
    port: number,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: Route,
    onPushed?: (digest: string) => void,
  ): Promise<void> =>
    new Promise((resolve) => {
      res.on('close', () => resolve());
      forward(port, req, res, route, onPushed);
    });

  /** Reads `afterBytes` of the body, then cuts the connection as a network failure would. */
  const reset = (req: http.IncomingMessage, route: Route, afterBytes: number): void => {
    let seen = 0;
    const cut = (): void => {
      req.socket.destroy();
    };
    if (afterBytes <= 0) return cut();
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (route.kind === 'blob-upload') stats.blobUploadBytes += chunk.length;
      if (seen >= afterBytes) cut();
    });
    req.on('end', cut);
  };

  // A reset after some bytes means nothing on a bodiless upload request (the POST that opens an
  // upload): it waits for the next upload request that carries a body, the one it is meant to cut.
  let pendingReset: Fault | undefined;
  const pickFault = (req: http.IncomingMessage, route: Route): Fault | undefined => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (route.kind === 'blob-upload' && hasBody && pendingReset) {
      const fault = pendingReset;
      pendingReset = undefined;
      return fault;
    }
    const fault = takeFault(`registry:${route.kind}`);
    if (fault?.kind === 'reset' && (fault.afterBytes ?? 0) > 0 && route.kind === 'blob-upload' && !hasBody) {
      pendingReset = fault;
      return undefined;
    }
    return fault;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const url = new URL(req.url ?? '/', 'https://registry');
    const route = classify(method, url.pathname);
    stats.requests += 1;
    stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
    stats.byKind[route.kind] += 1;

    const fault = pickFault(req, route);
    const faultName = fault && `${fault.kind}${fault.status ? ` ${fault.status}` : ''}`;
    res.on('close', () =>
      record({
        service: 'registry',
        operation: route.kind,
        status: res.headersSent ? res.statusCode : 0,
        ...(faultName ? { fault: faultName } : {}),
      }),
    );

    const port = backendByHost.get(host);
    if (port === undefined) {
      req.resume();
      return sendError(res, 404, 'NAME_UNKNOWN', `no registry is served for host '${host}'`);
    }
    if (fault?.kind === 'status') {
      req.resume();
      const status = fault.status ?? 503;
      return sendError(res, status, fault.code ?? faultCode(status), fault.message ?? 'injected fault');
    }
    if (fault?.kind === 'reset') return reset(req, route, fault.afterBytes ?? 0);
    if (fault?.kind === 'latency') await sleep(fault.latencyMs ?? 1000);
    await addedLatency('registry');

    // Unauthenticated requests go to the backend, which asks for credentials.
    if (plainHosts.has(host) || !route.name || !authorized(req, options.password))
      return forward(port, req, res, route);

    let repository = route.name;
    if (host === PUBLIC_HOST) {
      const prefix = `${PUBLIC_ALIAS}/`;
      repository = repository.startsWith(prefix) ? repository.slice(prefix.length) : '';
    }
    const policy = repository ? options.hooks.findRepository(host, repository) : undefined;
    if (!policy) {
      req.resume();
      const registryId = (ACCOUNTS.find((a) => a.host === host) ?? ACCOUNTS[0]!).id;
      return sendError(
        res,
        404,
        'NAME_UNKNOWN',
        `The repository with name '${repository || route.name}' does not exist in the registry with id '${registryId}'`,
      );
    }

    const reference = route.reference;
    const onPushed = (digest: string) => options.hooks.onManifestPushed(host, repository, reference!, digest);
    const key = repositoryKey(port, route.name);
    if (route.kind === 'manifest-put' && reference && !DIGEST.test(reference)) {
      // A tag: its existence check and its PUT are one step (ECR refuses the second of two racing
      // pushes of an immutable tag).
      return exclusiveWrite(key, async () => {
        if (tagIsImmutable(policy, reference) && (await tagExists(port, req, route.name!, reference))) {
          req.resume();
          return sendError(
            res,
            400,
            'TAG_INVALID',
            `The image tag '${reference}' already exists in the '${repository}' repository and cannot be overwritten because the repository is immutable.`,
          );
        }
        await forwarded(port, req, res, route, onPushed);
      });
    }
    const pushed = route.kind === 'manifest-put' ? onPushed : undefined;
    return ordered(port, linkAccess(method, url), () => forwarded(port, req, res, route, pushed));
  };

  const server = https.createServer(
    {
      cert: fs.readFileSync(options.cert),
      key: fs.readFileSync(options.key),
      // Blob uploads can take long; the default 5-minute request timeout would cut them.
      requestTimeout: 0,
    },
    (req, res) => {
      handle(req, res).catch((error: Error) => {
        if (res.headersSent) res.destroy();
        else sendError(res, 500, 'UNKNOWN', error.message);
      });
    },
  );

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? PORTS.registry, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : (options.port ?? PORTS.registry),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            agent.destroy();
          }),
      });
    });
  });
}
