/**
 * A stand-in for the GitHub Actions cache service as @actions/cache 6.x talks to it over the REST
 * protocol (its "v1" cacheHttpClient, used on GHES and whenever ACTIONS_CACHE_SERVICE_V2 is unset):
 * every call below is what that client sends under `${ACTIONS_CACHE_URL}_apis/artifactcache/`,
 * with `Authorization: Bearer ${ACTIONS_RUNTIME_TOKEN}` and JSON bodies.
 *
 *   GET   cache?keys=<k1,k2,...>&version=<v>  look-up: 200 {cacheKey, archiveLocation, ...} or 204
 *   GET   caches?key=<k>                      list (the client asks only in debug, after a miss)
 *   POST  caches {key, version, cacheSize}    reserve: 201 {cacheId}; 409 when it exists
 *   PATCH caches/<id>                          one chunk, `Content-Range: bytes <start>-<end>/*`
 *                                              (chunks arrive in parallel and out of order): 204
 *   POST  caches/<id> {size}                   commit: 204 once every byte up to size arrived
 *   GET   archives/<id>                        the archive (archiveLocation; no auth, as a SAS URL)
 *
 * Matching follows GitHub's documented rules within one scope: the first key matches exactly; each
 * further key (restore keys) matches exactly, else by prefix, newest entry first; the version
 * (paths + compression) must be equal. Entries live as long as the stack; the request log
 * (service `cache`) and the fault switch (`cache:<operation>`) are the stack's.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { addedLatency, record, takeFault } from './faults.js';

/** GitHub's limit for one repository's caches; a reservation above it answers 400. */
const MAX_CACHE_BYTES = 10 * 1024 ** 3;

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  /** Size announced at reservation (may be absent); the archive's size once committed. */
  size?: number;
  committed: boolean;
  createdAt: string;
  /** Times the archive was downloaded. */
  downloads: number;
}

export interface ActionsCache {
  /** Value for ACTIONS_CACHE_URL (ends with a slash, as the runner's does). */
  url: string;
  /** Value for ACTIONS_RUNTIME_TOKEN. */
  token: string;
  close(): Promise<void>;
}

interface Stored extends CacheEntry {
  file: string;
  /** Byte ranges received so far, [start, end] inclusive. */
  ranges: [number, number][];
}

const entries: Stored[] = [];

export function cacheEntries(): CacheEntry[] {
  return entries.map(({ file: _f, ranges: _r, ...entry }) => ({ ...entry }));
}

const PREFIX = '/_apis/artifactcache/';

function json(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) return void res.writeHead(status).end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The error shape the toolkit reads `message` from. */
function fail(res: http.ServerResponse, status: number, message: string): void {
  json(res, status, {
    $id: '1',
    message,
    typeName: 'ArtifactCacheException',
    typeKey: 'ArtifactCacheException',
  });
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The entry the keys select, by GitHub's rules; undefined on a miss. */
export function lookUp(keys: string[], version: string): CacheEntry | undefined {
  const usable = entries.filter((e) => e.committed && e.version === version);
  const newest = (list: Stored[]) =>
    list.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)[0];
  for (const [i, key] of keys.entries()) {
    const exact = newest(usable.filter((e) => e.key === key));
    if (exact) return exact;
    if (i === 0) continue;
    const prefixed = newest(usable.filter((e) => e.key.startsWith(key)));
    if (prefixed) return prefixed;
  }
  return undefined;
}

/** Whether the received ranges cover 0..size-1 without a gap. */
function complete(ranges: [number, number][], size: number): boolean {
  let next = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start > next) return false;
    next = Math.max(next, end + 1);
  }
  return next === size;
}

export async function startActionsCache(opts: { port: number; dir: string }): Promise<ActionsCache> {
  fs.rmSync(opts.dir, { recursive: true, force: true });
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  let base = '';
  let nextId = 1;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, operation: string) => {
    const url = new URL(req.url ?? '/', 'http://cache');
    const resource = url.pathname.slice(PREFIX.length);
    const fault = takeFault(`cache:${operation}`);
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));
    await addedLatency('cache');
    if (fault?.kind === 'status') {
      req.resume();
      return fail(res, fault.status ?? 503, fault.message ?? 'injected fault');
    }

    const download = /^archives\/(\d+)$/.exec(resource);
    if (req.method === 'GET' && download) {
      const entry = entries.find((e) => e.id === Number(download[1]) && e.committed);
      if (!entry) return fail(res, 404, 'archive not found');
      entry.downloads += 1;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': entry.size });
      return void fs.createReadStream(entry.file).pipe(res);
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      req.resume();
      return fail(res, 401, 'the runtime token is missing or wrong');
    }

    if (req.method === 'GET' && resource === 'cache') {
      const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean);
      const version = url.searchParams.get('version') ?? '';
      if (keys.length === 0 || keys.length > 10) return fail(res, 400, 'between 1 and 10 keys are required');
      const hit = lookUp(keys, version);
      if (!hit) return json(res, 204);
      return json(res, 200, {
        cacheKey: hit.key,
        scope: 'refs/heads/main',
        cacheVersion: hit.version,
        creationTime: hit.createdAt,
        archiveLocation: `${base}archives/${hit.id}`,
      });
    }
    if (req.method === 'GET' && resource === 'caches') {
      const key = url.searchParams.get('key') ?? '';
      const found = entries.filter((e) => e.committed && e.key === key);
      return json(res, 200, {
        totalCount: found.length,
        artifactCaches: found.map((e) => ({
          cacheKey: e.key,
          cacheVersion: e.version,
          scope: 'refs/heads/main',
          creationTime: e.createdAt,
        })),
      });
    }
    if (req.method === 'POST' && resource === 'caches') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as {
        key?: string;
        version?: string;
        cacheSize?: number;
      };
      if (!body.key || !body.version) return fail(res, 400, 'key and version are required');
      if (body.key.length > 512) return fail(res, 400, `key is longer than 512 characters`);
      if ((body.cacheSize ?? 0) > MAX_CACHE_BYTES)
        return fail(res, 400, `Cache size of ${body.cacheSize} B is over the 10 GB data cap limit`);
      if (entries.some((e) => e.key === body.key && e.version === body.version))
        return fail(
          res,
          409,
          `Cache already exists. Scope: refs/heads/main, Key: ${body.key}, Version: ${body.version}`,
        );
      const id = nextId++;
      const file = path.join(opts.dir, `${id}.archive`);
      fs.writeFileSync(file, '');
      entries.push({
        id,
        key: body.key,
        version: body.version,
        ...(body.cacheSize !== undefined ? { size: body.cacheSize } : {}),
        committed: false,
        createdAt: new Date().toISOString(),
        downloads: 0,
        file,
        ranges: [],
      });
      return json(res, 201, { cacheId: id });
    }
    const byId = /^caches\/(\d+)$/.exec(resource);
    const entry = byId ? entries.find((e) => e.id === Number(byId[1])) : undefined;
    if (byId && !entry) {
      req.resume();
      return fail(res, 404, `no reserved cache with id ${byId[1]}`);
    }
    if (entry && req.method === 'PATCH') {
      if (entry.committed) return fail(res, 409, 'the cache is committed already');
      const range = /^bytes (\d+)-(\d+)\/\*$/.exec(String(req.headers['content-range'] ?? ''));
      if (!range) return fail(res, 400, "Content-Range must be 'bytes <start>-<end>/*'");
      const [start, end] = [Number(range[1]), Number(range[2])];
      const chunk = await readBody(req);
      if (chunk.length !== end - start + 1)
        return fail(
          res,
          400,
          `Content-Range announces ${end - start + 1} bytes, the body has ${chunk.length}`,
        );
      const fd = fs.openSync(entry.file, 'r+');
      try {
        fs.writeSync(fd, chunk, 0, chunk.length, start);
      } finally {
        fs.closeSync(fd);
      }
      entry.ranges.push([start, end]);
      return json(res, 204);
    }
    if (entry && req.method === 'POST') {
      const { size } = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { size?: number };
      if (typeof size !== 'number') return fail(res, 400, 'size is required');
      if (!complete(entry.ranges, size))
        return fail(res, 400, `the uploaded chunks do not cover ${size} bytes from offset 0`);
      fs.truncateSync(entry.file, size);
      entry.size = size;
      entry.committed = true;
      return json(res, 204);
    }
    req.resume();
    return fail(res, 404, `unknown cache route ${req.method} ${url.pathname}`);
  };

  const operationOf = (req: http.IncomingMessage): string => {
    const resource = new URL(req.url ?? '/', 'http://cache').pathname.slice(PREFIX.length);
    if (resource.startsWith('archives/')) return 'download';
    if (resource === 'cache') return 'lookup';
    if (resource === 'caches') return req.method === 'POST' ? 'reserve' : 'list';
    if (req.method === 'PATCH') return 'upload';
    return 'commit';
  };

  const server = http.createServer((req, res) => {
    if (!(req.url ?? '').startsWith(PREFIX)) {
      req.resume();
      return fail(res, 404, 'not a cache service path');
    }
    const operation = operationOf(req);
    res.on('close', () =>
      record({ service: 'cache', operation, status: res.headersSent ? res.statusCode : 0 }),
    );
    handle(req, res, operation).catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else fail(res, 500, error.message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  base = `${root}${PREFIX.slice(1)}`;
  return {
    url: root,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
