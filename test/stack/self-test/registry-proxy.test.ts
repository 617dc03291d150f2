/**
 * The registry proxy in front of a fake backend (plain HTTP on a free port): routing by host,
 * ECR's repository and immutability rules, counters, faults and streaming. Needs only openssl.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentLatency, requestLog, resetFaultsAndLog, setFaults, setLatency } from '../faults.js';
import {
  classify,
  registryStats,
  resetRegistryStats,
  startRegistryProxy,
  tagIsImmutable,
  type RegistryProxy,
  type RepositoryPolicy,
} from '../registry-proxy.js';
import { PUBLIC_ALIAS, PUBLIC_HOST, REGISTRY_USER } from '../topology.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const PASSWORD = 'test-password';
const AUTH = 'Basic ' + Buffer.from(`${REGISTRY_USER}:${PASSWORD}`).toString('base64');
const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('classify', () => {
  it.each([
    ['POST', '/v2/app/blobs/uploads/', 'blob-upload', 'app'],
    ['PATCH', '/v2/team/app/blobs/uploads/0b1c-uuid', 'blob-upload', 'team/app'],
    ['PUT', '/v2/app/blobs/uploads/0b1c-uuid', 'blob-upload', 'app'],
    ['GET', '/v2/app/blobs/uploads/0b1c-uuid', 'other', 'app'],
    ['GET', `/v2/app/blobs/${DIGEST}`, 'blob-get', 'app'],
    ['HEAD', `/v2/app/blobs/${DIGEST}`, 'blob-head', 'app'],
    ['GET', '/v2/app/manifests/v1', 'manifest-get', 'app'],
    ['HEAD', `/v2/a/b/c/manifests/${DIGEST}`, 'manifest-head', 'a/b/c'],
    ['PUT', '/v2/app/manifests/v1', 'manifest-put', 'app'],
    ['DELETE', `/v2/app/manifests/${DIGEST}`, 'other', 'app'],
    ['GET', '/v2/app/tags/list', 'other', 'app'],
    ['GET', '/v2/', 'other', undefined],
  ])('%s %s is %s', (method, pathname, kind, name) => {
    const route = classify(method, pathname);
    expect(route.kind).toBe(kind);
    expect(route.name).toBe(name);
  });
});

describe('tagIsImmutable', () => {
  const policy = (imageTagMutability: string, mutabilityExclusions?: string[]): RepositoryPolicy => ({
    imageTagMutability,
    mutabilityExclusions,
  });
  it.each([
    [policy('MUTABLE'), 'v1', false],
    [policy('IMMUTABLE'), 'v1', true],
    [policy('IMMUTABLE_WITH_EXCLUSION', ['dev-*', 'latest']), 'dev-42', false],
    [policy('IMMUTABLE_WITH_EXCLUSION', ['dev-*', 'latest']), 'latest', false],
    [policy('IMMUTABLE_WITH_EXCLUSION', ['dev-*']), 'v1.2.3', true],
    [policy('MUTABLE_WITH_EXCLUSION', ['v*.*.*']), 'v1.2.3', true],
    [policy('MUTABLE_WITH_EXCLUSION', ['v*.*.*']), 'main', false],
    [policy('MUTABLE_WITH_EXCLUSION', ['a.b']), 'aXb', false],
  ])('%o with %s: %s', (p, tag, expected) => {
    expect(tagIsImmutable(p, tag)).toBe(expected);
  });
});

interface Answer {
  status: number;
  body: string;
}

describe('registry proxy', () => {
  let dir: string;
  let ca: Buffer;
  let backend: http.Server;
  let proxy: RegistryProxy;
  /** What the backend received: method, url, host, body bytes. */
  let received: { method: string; url: string; host: string; bytes: number }[] = [];
  const repositories = new Map<string, RepositoryPolicy>();
  const pushed: string[][] = [];
  /** Manifest URLs the backend stored (tags named race*). */
  const stored = new Set<string>();
  /** Requests the backend got while a held PUT (manifest hold*, upload hold*) was in progress. */
  let duringPut: string[] = [];
  let held: (() => void)[] = [];

  function request(
    method: string,
    pathname: string,
    opts: { host?: string; auth?: boolean; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const host = opts.host ?? HOST;
      const req = https.request(
        {
          host: '127.0.0.1',
          port: proxy.port,
          servername: host,
          ca,
          method,
          path: pathname,
          agent: false,
          headers: {
            host,
            ...(opts.auth === false ? {} : { authorization: AUTH }),
            ...(opts.body ? { 'content-length': String(opts.body.length) } : {}),
            ...opts.headers,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-proxy-'));
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    // prettier-ignore
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${HOST}`,
      '-addext', `subjectAltName=DNS:${HOST},DNS:${PUBLIC_HOST}`, '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    ca = fs.readFileSync(cert);

    // A stand-in for docker-registry: manifests by tag 'taken' exist, PUTs answer with a digest.
    backend = http.createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      if (held.length > 0) duringPut.push(`${req.method} ${req.url}`);
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, host: req.headers.host!, bytes });
        if (!req.headers.authorization) return res.writeHead(401).end();
        if (req.method === 'HEAD')
          return res
            .writeHead(req.url!.endsWith('/manifests/taken') || stored.has(req.url!) ? 200 : 404)
            .end();
        if (req.method === 'PUT' && req.url!.includes('/manifests/race')) {
          // A slow write that stores the tag: racing PUTs overlap unless the proxy orders them.
          setTimeout(() => {
            stored.add(req.url!);
            res.writeHead(201, { 'docker-content-digest': DIGEST }).end();
          }, 40);
          return;
        }
        if (req.method === 'PUT' && /\/(?:manifests|uploads)\/hold/.test(req.url!)) {
          // A write in progress until the test lets it end.
          held.push(() => res.writeHead(201, { 'docker-content-digest': DIGEST }).end());
          return;
        }
        if (req.method === 'PUT' && req.url!.includes('/manifests/')) {
          return res.writeHead(201, { 'docker-content-digest': DIGEST }).end();
        }
        res.writeHead(202, { location: `https://${req.headers.host}${req.url}` }).end(`got ${bytes}`);
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const backendPort = (backend.address() as AddressInfo).port;
    proxy = await startRegistryProxy({
      cert,
      key,
      password: PASSWORD,
      port: 0,
      backends: [
        { host: HOST, port: backendPort },
        { host: PUBLIC_HOST, port: backendPort },
      ],
      hooks: {
        findRepository: (host, name) => repositories.get(`${host}/${name}`),
        onManifestPushed: (...args) => pushed.push(args),
      },
    });
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => backend.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    received = [];
    duringPut = [];
    held = [];
    pushed.length = 0;
    repositories.clear();
    resetFaultsAndLog();
    resetRegistryStats();
  });

  it('adds the latency set for registry requests to each of them, until reset', async () => {
    setLatency({ ms: 150, targets: ['registry'] });
    const started = Date.now();
    expect((await request('GET', '/v2/', { auth: false })).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    resetFaultsAndLog();
    expect(currentLatency()).toEqual({ ms: 0, targets: [] });
  });

  it('leaves credentials to the backend and keeps the Host header for its Location URLs', async () => {
    const answer = await request('GET', '/v2/', { auth: false });
    expect(answer.status).toBe(401);
    expect(received).toEqual([{ method: 'GET', url: '/v2/', host: HOST, bytes: 0 }]);
  });

  it('answers NAME_UNKNOWN like ECR for a repository the emulator does not know', async () => {
    const answer = await request('POST', '/v2/nope/blobs/uploads/');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({
      errors: [
        {
          code: 'NAME_UNKNOWN',
          message: "The repository with name 'nope' does not exist in the registry with id '123456789012'",
        },
      ],
    });
    expect(received).toEqual([]);
  });

  it('streams upload bodies to the backend and counts their bytes', async () => {
    repositories.set(`${HOST}/app`, { imageTagMutability: 'MUTABLE' });
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const answer = await request('PATCH', '/v2/app/blobs/uploads/u1', { body });
    expect(answer).toEqual({ status: 202, body: `got ${body.length}` });
    await request('HEAD', `/v2/app/blobs/${DIGEST}`);
    const stats = registryStats();
    expect(stats.blobUploadBytes).toBe(body.length);
    expect(stats.byKind['blob-upload']).toBe(1);
    expect(stats.byKind['blob-head']).toBe(1);
    expect(stats.byMethod).toEqual({ PATCH: 1, HEAD: 1 });
    expect(received[0]!.bytes).toBe(body.length);
  });

  it('refuses to move an existing tag of an immutable repository and reports pushes', async () => {
    repositories.set(`${HOST}/app`, { imageTagMutability: 'IMMUTABLE' });
    const refused = await request('PUT', '/v2/app/manifests/taken', { body: Buffer.from('{}') });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).errors[0]).toEqual({
      code: 'TAG_INVALID',
      message:
        "The image tag 'taken' already exists in the 'app' repository and cannot be overwritten because the repository is immutable.",
    });
    const accepted = await request('PUT', '/v2/app/manifests/new', { body: Buffer.from('{}') });
    expect(accepted.status).toBe(201);
    expect(pushed).toEqual([[HOST, 'app', 'new', DIGEST]]);
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'HEAD /v2/app/manifests/taken',
      'HEAD /v2/app/manifests/new',
      'PUT /v2/app/manifests/new',
    ]);
  });

  it('racing PUTs of one immutable tag: exactly one is stored, the others are refused', async () => {
    repositories.set(`${HOST}/app`, { imageTagMutability: 'IMMUTABLE' });
    const put = () => request('PUT', '/v2/app/manifests/race-1', { body: Buffer.from('{}') });
    // Reads of the tag during the race are answered (after the PUT in progress), never blocked for good.
    const answers = await Promise.all([put(), request('HEAD', '/v2/app/manifests/race-1'), put(), put()]);
    const puts = [answers[0]!, answers[2]!, answers[3]!].map((a) => a.status).sort();
    expect(puts).toEqual([201, 400, 400]);
    expect([200, 404]).toContain(answers[1]!.status);
    expect(received.filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(pushed).toEqual([[HOST, 'app', 'race-1', DIGEST]]);
  });

  const until = async (done: () => boolean) => {
    for (const stop = Date.now() + 5000; !done() && Date.now() < stop;)
      await new Promise((resolve) => setTimeout(resolve, 2));
  };
  /**
   * Sends the PUT `hold` and, once the backend works on it, `others`; ends the PUT when `passing` of
   * them reached the backend (and a moment more for any that should not have). Returns those.
   */
  async function besideHeldPut(hold: string, others: [string, string][], passing: number): Promise<string[]> {
    for (const name of ['app', 'other'])
      repositories.set(`${HOST}/${name}`, { imageTagMutability: 'MUTABLE' });
    const put = request('PUT', hold, { body: Buffer.from('{}') });
    await until(() => held.length > 0);
    const answers = Promise.all(others.map(([method, url]) => request(method, url)));
    await until(() => duringPut.length >= passing);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const meanwhile = duringPut.sort();
    for (const end of held.splice(0)) end();
    await Promise.all([answers, put]);
    return meanwhile;
  }
  const OTHER = 'sha256:' + 'c'.repeat(64);

  it('a manifest PUT: manifest reads and blob link writes of its repository wait, nothing else', async () => {
    const meanwhile = await besideHeldPut(
      '/v2/app/manifests/hold-1',
      [
        ['GET', '/v2/app/manifests/v1'],
        ['HEAD', `/v2/app/manifests/${DIGEST}`],
        ['PUT', `/v2/app/blobs/uploads/u2?digest=${DIGEST}`],
        ['POST', `/v2/app/blobs/uploads/?mount=${DIGEST}&from=base`],
        ['HEAD', `/v2/app/blobs/${DIGEST}`],
        ['PATCH', '/v2/app/blobs/uploads/u3'],
        ['GET', '/v2/other/manifests/v1'],
      ],
      3,
    );
    expect(meanwhile).toEqual([
      'GET /v2/other/manifests/v1',
      `HEAD /v2/app/blobs/${DIGEST}`,
      'PATCH /v2/app/blobs/uploads/u3',
    ]);
  });

  it("the PUT that ends a blob's upload: reads of that blob and manifest PUTs wait, nothing else", async () => {
    const held = `/v2/app/blobs/uploads/hold-2?digest=${DIGEST}`;
    const waiting = await besideHeldPut(
      held,
      [
        ['HEAD', `/v2/app/blobs/${DIGEST}`],
        ['PUT', '/v2/app/manifests/v2'],
        ['HEAD', `/v2/app/blobs/${OTHER}`],
      ],
      1,
    );
    expect(waiting).toEqual([`HEAD /v2/app/blobs/${OTHER}`]);
    duringPut = [];
    const parallel = await besideHeldPut(
      held,
      [
        ['PUT', `/v2/app/blobs/uploads/u4?digest=${OTHER}`],
        ['GET', '/v2/app/manifests/v1'],
      ],
      2,
    );
    expect(parallel).toEqual(['GET /v2/app/manifests/v1', `PUT /v2/app/blobs/uploads/u4?digest=${OTHER}`]);
  });

  it('lets excluded tags move in an IMMUTABLE_WITH_EXCLUSION repository', async () => {
    repositories.set(`${HOST}/app`, {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      mutabilityExclusions: ['tak*'],
    });
    expect((await request('PUT', '/v2/app/manifests/taken', { body: Buffer.from('{}') })).status).toBe(201);
  });

  it('maps public.ecr.aws/<alias>/<repo> to the repository without the alias', async () => {
    repositories.set(`${PUBLIC_HOST}/app`, { imageTagMutability: 'MUTABLE' });
    const opts = { host: PUBLIC_HOST, body: Buffer.from('{}') };
    expect((await request('PUT', `/v2/${PUBLIC_ALIAS}/app/manifests/v1`, opts)).status).toBe(201);
    expect(pushed).toEqual([[PUBLIC_HOST, 'app', 'v1', DIGEST]]);
    expect(received.at(-1)!.url).toBe(`/v2/${PUBLIC_ALIAS}/app/manifests/v1`);
    expect((await request('PUT', '/v2/someone-else/app/manifests/v1', opts)).status).toBe(404);
  });

  it('answers a status fault with a registry error and logs it', async () => {
    repositories.set(`${HOST}/app`, { imageTagMutability: 'MUTABLE' });
    setFaults([{ target: 'registry:blob-upload', count: 1, kind: 'status', status: 503 }]);
    const failed = await request('POST', '/v2/app/blobs/uploads/');
    expect(failed.status).toBe(503);
    expect(JSON.parse(failed.body).errors[0].code).toBe('UNAVAILABLE');
    expect((await request('POST', '/v2/app/blobs/uploads/')).status).toBe(202);
    expect(requestLog().map((e) => [e.operation, e.status, e.fault])).toEqual([
      ['blob-upload', 503, 'status 503'],
      ['blob-upload', 202, undefined],
    ]);
  });

  it('cuts the first upload request that carries a body after afterBytes', async () => {
    repositories.set(`${HOST}/app`, { imageTagMutability: 'MUTABLE' });
    setFaults([{ target: 'registry:blob-upload', count: 1, kind: 'reset', afterBytes: 1024 }]);
    expect((await request('POST', '/v2/app/blobs/uploads/')).status).toBe(202);
    const body = Buffer.alloc(1024 * 1024);
    await expect(request('PATCH', '/v2/app/blobs/uploads/u1', { body })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect(registryStats().blobUploadBytes).toBeGreaterThanOrEqual(1024);
    expect(registryStats().blobUploadBytes).toBeLessThan(body.length);
    expect(received.map((r) => r.method)).toEqual(['POST']);
  });

  it('delays a request on a latency fault', async () => {
    setFaults([{ target: 'registry:any', count: 1, kind: 'latency', latencyMs: 300 }]);
    const started = Date.now();
    expect((await request('GET', '/v2/')).status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
