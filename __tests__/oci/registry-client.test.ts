import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../../src/oci/media-types.js';
import { copyImage } from '../../src/oci/copy-image.js';
import { REQUEST_TIMEOUT_MS } from '../../src/retry.js';
import { REGISTRY_TIMEOUTS, RegistryClient, type RegistryHttpError } from '../../src/oci/registry-client.js';
import { classifyError } from '../../src/retry.js';
import { oneLayerManifest, sha256 } from '../support/fake-registry.js';

const USER = 'AWS';
const PASSWORD = 'secret-registry-password';
const [INDEX_TYPE, , MANIFEST_TYPE] = MEDIA_TYPES as [string, string, string];

interface FakeRegistryOptions {
  /** basic: private ECR style; bearer: a token endpoint that issues pull or push tokens per repository. */
  auth: 'basic' | 'bearer';
  /** A tag, once put, cannot be put again (ECR's IMMUTABLE). */
  immutable?: boolean;
}

/**
 * A tiny plain-HTTP OCI registry: Basic auth or a Bearer challenge with scope-specific tokens
 * (pull for GET/HEAD, push for POST/PUT), manifests by tag and digest, blobs, monolithic upload.
 */
class FakeRegistry {
  readonly manifests = new Map<string, { body: Buffer; mediaType: string }>();
  readonly tags = new Map<string, string>();
  readonly blobs = new Map<string, Buffer>();
  /** Scopes the token endpoint issued a token for, in order. */
  readonly issued: string[] = [];
  /** METHOD path → status, every request. */
  readonly log: string[] = [];
  /** digest → the Content-Length an upload declared. */
  readonly declared = new Map<string, string | undefined>();
  /** Blob downloads send their first half, then the rest once this settles. */
  hold?: Promise<void>;
  /** Called as an upload's PUT arrives, before its body. */
  onUpload?: () => void;
  /** The next request with this method is answered with this status. */
  failNext?: { method: string; status: number };
  private readonly tokens = new Map<string, string>();
  private readonly uploads = new Set<string>();
  private server?: Server;
  url = '';

  constructor(private readonly options: FakeRegistryOptions) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      const digest = new URL(req.url ?? '/', this.url).searchParams.get('digest');
      if (req.method === 'PUT' && digest) {
        this.declared.set(digest, req.headers['content-length']);
        this.onUpload?.();
      }
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks), res);
        this.log.push(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  client(): RegistryClient {
    return new RegistryClient('registry.test', { username: USER, password: PASSWORD }, { baseUrl: this.url });
  }

  /** Stores an image directly: a manifest with a config and one layer, tagged. */
  seedImage(repository: string, tag: string, layerText: string): { digest: string; body: Buffer } {
    const config = Buffer.from(JSON.stringify({ config: { Labels: { layer: layerText } } }));
    const layer = Buffer.from(layerText);
    this.blobs.set(`${repository}@${sha256(config)}`, config);
    this.blobs.set(`${repository}@${sha256(layer)}`, layer);
    const body = Buffer.from(oneLayerManifest(MANIFEST_TYPE, config, layer));
    return { digest: this.storeManifest(repository, tag, body, MANIFEST_TYPE), body };
  }

  /** Stores an index over two seeded images, tagged. */
  seedIndex(repository: string, tag: string): { digest: string; children: string[] } {
    const children = [
      this.seedImage(repository, 'amd64', 'amd64 layer'),
      this.seedImage(repository, 'arm64', 'arm64 layer'),
    ];
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: INDEX_TYPE,
        manifests: children.map((c) => ({ mediaType: MANIFEST_TYPE, digest: c.digest, size: c.body.length })),
      }),
    );
    return {
      digest: this.storeManifest(repository, tag, body, INDEX_TYPE),
      children: children.map((c) => c.digest),
    };
  }

  private storeManifest(repository: string, reference: string, body: Buffer, mediaType: string): string {
    const digest = sha256(body);
    this.manifests.set(`${repository}@${digest}`, { body, mediaType });
    if (!reference.startsWith('sha256:')) this.tags.set(`${repository}:${reference}`, digest);
    return digest;
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    if (url.pathname === '/token') return this.issueToken(req, url, res);
    if (this.failNext && this.failNext.method === method) {
      const { status } = this.failNext;
      this.failNext = undefined;
      return end(res, status, {}, 'upstream trouble');
    }
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(url.pathname);
    const item = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    const repository = upload?.[1] ?? item?.[1];
    if (!repository) return end(res, 404, {}, 'not found');
    if (!this.authorized(req, repository, method, res)) return;

    if (upload) {
      const [, , id = ''] = upload;
      if (method === 'POST' && id === '') {
        const session = randomUUID();
        this.uploads.add(session);
        return end(res, 202, { Location: `/v2/${repository}/blobs/uploads/${session}?state=x` });
      }
      if (method === 'PUT' && this.uploads.delete(id)) {
        const digest = url.searchParams.get('digest') ?? '';
        if (sha256(body) !== digest) return end(res, 400, {}, 'DIGEST_INVALID');
        this.blobs.set(`${repository}@${digest}`, body);
        return end(res, 201, { 'Docker-Content-Digest': digest });
      }
      return end(res, 404, {}, 'BLOB_UPLOAD_UNKNOWN');
    }

    const [, , kind, reference = ''] = item!;
    if (kind === 'blobs') {
      const blob = this.blobs.get(`${repository}@${reference}`);
      if (!blob) return end(res, 404, {}, 'BLOB_UNKNOWN');
      if (method === 'GET' && this.hold) {
        const half = Math.floor(blob.length / 2);
        res.writeHead(200, { 'Content-Length': String(blob.length) });
        res.write(blob.subarray(0, half));
        void this.hold.then(() => res.end(blob.subarray(half)));
        return;
      }
      return end(res, 200, { 'Content-Length': String(blob.length) }, method === 'HEAD' ? undefined : blob);
    }
    if (method === 'PUT') {
      const digest = sha256(body);
      if (
        !reference.startsWith('sha256:') &&
        this.options.immutable &&
        this.tags.has(`${repository}:${reference}`)
      )
        return end(res, 400, {}, `TAG_INVALID: The image tag '${reference}' already exists`);
      this.storeManifest(repository, reference, body, req.headers['content-type'] ?? '');
      return end(res, 201, { 'Docker-Content-Digest': digest });
    }
    const digest = reference.startsWith('sha256:') ? reference : this.tags.get(`${repository}:${reference}`);
    const manifest = digest && this.manifests.get(`${repository}@${digest}`);
    if (!digest || !manifest) return end(res, 404, {}, 'MANIFEST_UNKNOWN');
    return end(
      res,
      200,
      { 'Content-Type': manifest.mediaType, 'Docker-Content-Digest': digest },
      method === 'HEAD' ? undefined : manifest.body,
    );
  }

  private authorized(req: IncomingMessage, repository: string, method: string, res: ServerResponse): boolean {
    const header = req.headers.authorization ?? '';
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    if (this.options.auth === 'basic') {
      if (header === basic) return true;
      end(res, 401, { 'WWW-Authenticate': 'Basic realm="fake"' }, 'UNAUTHORIZED');
      return false;
    }
    const needs = method === 'GET' || method === 'HEAD' ? 'pull' : 'push';
    const scope = this.tokens.get(header.replace(/^Bearer /, ''));
    const granted = scope?.startsWith(`repository:${repository}:`) ? scope.split(':')[2]!.split(',') : [];
    if (header.startsWith('Bearer ') && granted.includes(needs)) return true;
    const wanted = `repository:${repository}:${needs === 'pull' ? 'pull' : 'pull,push'}`;
    end(
      res,
      401,
      { 'WWW-Authenticate': `Bearer realm="${this.url}/token",service="fake",scope="${wanted}"` },
      'UNAUTHORIZED',
    );
    return false;
  }

  private issueToken(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    if (req.headers.authorization !== basic || url.searchParams.get('service') !== 'fake')
      return end(res, 401, {}, 'bad credentials');
    const scope = url.searchParams.get('scope') ?? '';
    const token = `token-${this.issued.length + 1}`;
    this.tokens.set(token, scope);
    this.issued.push(scope);
    end(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify({ token }));
  }
}

function end(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: Buffer | string,
): void {
  res.writeHead(status, headers);
  res.end(body);
}

/** copyImage of `digest` from the source's `app` repository to the target's, under `tags`. */
function copyApp(source: FakeRegistry, target: FakeRegistry, digest: string, tags: string[]) {
  return copyImage(
    { client: source.client(), repository: 'app' },
    { client: target.client(), repository: 'app' },
    digest,
    tags,
  );
}

describe('registry/registry-client and copy-image against fake registries', () => {
  const running: FakeRegistry[] = [];
  async function registry(options: FakeRegistryOptions): Promise<FakeRegistry> {
    const r = await new FakeRegistry(options).start();
    running.push(r);
    return r;
  }

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });

  /** Blobs the target accepted (monolithic uploads that completed). */
  const uploads = (r: FakeRegistry) =>
    r.log.filter((l) => /^PUT \S*\/blobs\/uploads\/\S* 201$/.test(l)).length;
  /** Tags put at the target. */
  const tagsPut = (r: FakeRegistry, repository: string) =>
    r.log.flatMap((l) => {
      const m = new RegExp(`^PUT /v2/${repository}/manifests/([^/ ]+) 201$`).exec(l);
      return m && !m[1]!.startsWith('sha256:') ? [m[1]!] : [];
    });

  it('copies an image from a Basic-auth registry to a Bearer one and keeps the digest', async () => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'bearer' });
    const { digest, body } = source.seedImage('app', 'build-1', 'layer bytes');

    await copyImage(
      { client: source.client(), repository: 'app' },
      { client: target.client(), repository: 'team/app' },
      digest,
      ['v1', 'latest'],
    );

    expect(uploads(target)).toBe(2);
    expect(tagsPut(target, 'team/app')).toEqual(['v1', 'latest']);
    const reader = target.client();
    for (const tag of ['v1', 'latest']) {
      const copied = await reader.getManifest('team/app', tag);
      expect(copied.digest).toBe(digest);
      expect(sha256(copied.body)).toBe(digest);
      expect(copied.body.equals(body)).toBe(true);
      expect(copied.mediaType).toBe(MANIFEST_TYPE);
    }
    expect(await reader.getBlob('team/app', sha256('layer bytes'))).toEqual(Buffer.from('layer bytes'));
  });

  it('streams each blob: the upload starts before the source has sent the whole layer', async () => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'bearer' });
    const { digest } = source.seedImage('app', 'build-1', 'layer bytes, sent in two halves');
    // The source sends half of each blob and the rest only once the target sees the upload: a
    // copy that read the blob whole before uploading it would wait forever (the test would time out).
    let uploading!: () => void;
    source.hold = new Promise<void>((resolve) => (uploading = resolve));
    target.onUpload = () => uploading();
    await copyApp(source, target, digest, ['v1']);
    const layer = sha256('layer bytes, sent in two halves');
    expect(target.declared.get(layer)).toBe(String('layer bytes, sent in two halves'.length));
    expect(await target.client().getBlob('app', layer)).toEqual(
      Buffer.from('layer bytes, sent in two halves'),
    );
    expect((await target.client().getManifest('app', 'v1')).digest).toBe(digest);
  });

  it.each([
    { name: 'a refused upload session opens no download', fail: 'POST', downloads: 0, status: 403 },
    { name: 'a refused upload is not sent twice', fail: 'PUT', downloads: 1, status: 401 },
  ])('$name', async ({ fail, downloads, status }) => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'basic' });
    const { digest } = source.seedImage('app', 'build-1', 'refused');
    target.failNext = { method: fail, status };
    const error = (await copyApp(source, target, digest, ['v1']).catch(
      (e: unknown) => e,
    )) as RegistryHttpError;
    expect(error.status).toBe(status);
    expect(source.log.filter((l) => l.startsWith('GET /v2/app/blobs/'))).toHaveLength(downloads);
    expect(target.log.filter((l) => l.startsWith(`${fail} `))).toHaveLength(1);
  });

  it('a source that does not send a blob in time fails the upload with a retryable timeout', async () => {
    const source = await stallingServer('silent');
    const target = await registry({ auth: 'basic' });
    try {
      const from = new RegistryClient(
        'registry.test',
        { username: USER, password: PASSWORD },
        {
          baseUrl: source.url,
          timeouts: { requestMs: 80, blobMs: 120 },
        },
      );
      const error = (await target
        .client()
        .putBlob('app', { digest: sha256('layer'), size: 5 }, () => from.openBlob('app', sha256('layer')))
        .catch((e: unknown) => e)) as RegistryHttpError;
      expect(error.code).toBe('RegistryTimeout');
      expect(classifyError(error).retryable).toBe(true);
      expect(target.log.filter((l) => l.startsWith('PUT '))).toEqual([]);
    } finally {
      await source.stop();
    }
  });

  it('copies an index with its child manifests by digest', async () => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'bearer' });
    const { digest, children } = source.seedIndex('app', 'multi');
    await copyApp(source, target, digest, ['v2']);
    expect(uploads(target)).toBe(4);
    const reader = target.client();
    expect((await reader.getManifest('app', 'v2')).digest).toBe(digest);
    for (const child of children) expect(await reader.headManifest('app', child)).toBe(child);
  });

  it('fetches a token for a new scope when a push is challenged after a pull token', async () => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'bearer' });
    const { digest } = source.seedImage('app', 'build-1', 'scoped');

    await copyApp(source, target, digest, ['v1']);

    // First a pull token (HEAD blob), then a push token once the upload is challenged; one each.
    expect(target.issued).toEqual(['repository:app:pull', 'repository:app:pull,push']);
    const config = sha256(JSON.stringify({ config: { Labels: { layer: 'scoped' } } }));
    expect(target.log.slice(0, 6)).toEqual([
      `HEAD /v2/app/blobs/${config} 401`,
      'GET /token 200',
      `HEAD /v2/app/blobs/${config} 404`,
      'POST /v2/app/blobs/uploads/ 401',
      'GET /token 200',
      'POST /v2/app/blobs/uploads/ 202',
    ]);
    // The push token also covers pull: no more challenges after it.
    expect(target.log.filter((l) => l.endsWith(' 401'))).toHaveLength(2);
    expect((await target.client().getManifest('app', 'v1')).digest).toBe(digest);
  });

  it('a request still refused with a token for the challenged scope is not retried in a loop', async () => {
    const target = await registry({ auth: 'bearer' });
    const client = new RegistryClient(
      'registry.test',
      { username: USER, password: 'wrong' },
      { baseUrl: target.url },
    );
    const error = (await client.getManifest('app', 'v1').catch((e: unknown) => e)) as RegistryHttpError;
    expect(error.code).toBe('RegistryHttpError');
    expect(error.message).toContain('token from 127.0.0.1');
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
  });

  it('skips tags that already name the digest, so a re-run on an IMMUTABLE registry succeeds', async () => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'bearer', immutable: true });
    const { digest } = source.seedImage('app', 'build-1', 'immutable');
    const copy = (tags: string[]) => copyApp(source, target, digest, tags);

    await copy(['v1', 'latest']);
    expect(tagsPut(target, 'app')).toEqual(['v1', 'latest']);
    const before = { uploads: uploads(target), tags: tagsPut(target, 'app').length };
    await copy(['v1', 'latest', 'v1.0']);
    // Only the new tag is put; no blob moves again.
    expect(tagsPut(target, 'app').slice(before.tags)).toEqual(['v1.0']);
    expect(uploads(target)).toBe(before.uploads);
    expect(await target.client().headManifest('app', 'v1.0')).toBe(digest);
  });

  it('a tag on another digest at an IMMUTABLE registry still fails', async () => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'bearer', immutable: true });
    target.seedImage('app', 'v1', 'something else');
    const { digest } = source.seedImage('app', 'build-1', 'new');
    const error = (await copyApp(source, target, digest, ['v1']).catch(
      (e: unknown) => e,
    )) as RegistryHttpError;
    expect(error.message).toContain('PUT manifest app:v1');
    expect(error.message).toContain('TAG_INVALID');
    expect(error.retryable).toBe(false);
  });

  it('headManifest: the digest of a tag, undefined when absent', async () => {
    const target = await registry({ auth: 'basic' });
    const { digest } = target.seedImage('app', 'v1', 'x');
    const client = target.client();
    expect(await client.headManifest('app', 'v1')).toBe(digest);
    expect(await client.headManifest('app', 'nope')).toBeUndefined();
  });

  it('a 5xx answer is a retryable RegistryHttpError; a 4xx is not', async () => {
    const target = await registry({ auth: 'basic' });
    target.seedImage('app', 'v1', 'x');
    const client = target.client();

    target.failNext = { method: 'GET', status: 503 };
    const unavailable = (await client.getManifest('app', 'v1').catch((e: unknown) => e)) as RegistryHttpError;
    expect(unavailable.status).toBe(503);
    expect(unavailable.retryable).toBe(true);
    expect(classifyError(unavailable).retryable).toBe(true);
    expect(unavailable.message).toContain('HTTP 503 upstream trouble');

    target.failNext = { method: 'HEAD', status: 500 };
    await expect(client.headManifest('app', 'v1')).rejects.toMatchObject({ status: 500, retryable: true });

    const missing = (await client
      .getBlob('app', sha256('absent'))
      .catch((e: unknown) => e)) as RegistryHttpError;
    expect(missing.status).toBe(404);
    expect(classifyError(missing).retryable).toBe(false);
  });

  it('a refused tag look-up (push-only role) falls back to putting the tag', async () => {
    const source = await registry({ auth: 'basic' });
    const target = await registry({ auth: 'basic' });
    const { digest } = source.seedImage('app', 'build-1', 'push only');
    const client = target.client();
    const original = client.headManifest.bind(client);
    let refused = 0;
    client.headManifest = async (repository, reference) => {
      if (!reference.startsWith('sha256:')) {
        refused += 1;
        throw Object.assign(new Error('denied'), { status: 403, retryable: false });
      }
      return original(repository, reference);
    };
    await copyImage({ client: source.client(), repository: 'app' }, { client, repository: 'app' }, digest, [
      'v1',
    ]);
    expect(refused).toBe(1);
    expect(tagsPut(target, 'app')).toEqual(['v1']);
    expect(await target.client().headManifest('app', 'v1')).toBe(digest);
  });
});

/** A server that answers each request the way `behave` says: never, headers only, or not at all (closed). */
async function stallingServer(
  behave: 'silent' | 'headers-only',
): Promise<{ url: string; stop: () => Promise<void> }> {
  const open = new Set<ServerResponse>();
  const server = createServer((_req, res) => {
    open.add(res);
    if (behave === 'headers-only') {
      res.writeHead(200, { 'Content-Type': MANIFEST_TYPE, 'Content-Length': '100' });
      res.write('{');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('registry/registry-client time limits and unreachable registries', () => {
  const credentials = { username: USER, password: PASSWORD };
  const timeouts = { requestMs: 80, blobMs: 120 };

  it.each([
    {
      name: 'a registry that never answers a manifest request',
      behave: 'silent' as const,
      call: (c: RegistryClient) => c.getManifest('app', 'v1'),
      message: /^The registry 127\.0\.0\.1:\d+ did not answer GET manifest app:v1 within 0\.1 s\.$/,
    },
    {
      name: 'a registry that stalls in the middle of a manifest answer',
      behave: 'headers-only' as const,
      call: (c: RegistryClient) => c.headManifest('app', 'v1').then(() => c.getManifest('app', 'v1')),
      message: /did not answer (HEAD|GET) manifest app:v1 within 0\.1 s/,
    },
    {
      name: 'a blob download gets the blob limit',
      behave: 'silent' as const,
      call: (c: RegistryClient) => c.getBlob('app', sha256('layer')),
      message: new RegExp(`did not answer GET blob ${sha256('layer')} within 0\\.1 s`),
    },
    {
      name: 'a tag put that is never answered',
      behave: 'silent' as const,
      call: (c: RegistryClient) => c.putManifest('app', 'v1', Buffer.from('{}'), MANIFEST_TYPE),
      message: /did not answer PUT manifest app:v1 within 0\.1 s/,
    },
  ])(
    '$name: a retryable RegistryTimeout naming the operation, the host and the fix',
    async ({ behave, call, message }) => {
      const server = await stallingServer(behave);
      try {
        const client = new RegistryClient('registry.test', credentials, { baseUrl: server.url, timeouts });
        const error = (await call(client).catch((e: unknown) => e)) as RegistryHttpError;
        expect(error).toBeInstanceOf(Error);
        expect(error.code).toBe('RegistryTimeout');
        expect(error.message).toMatch(message);
        expect(error.hint).toMatch(/network from the runner to the registry/);
        expect(classifyError(error).retryable).toBe(true);
      } finally {
        await server.stop();
      }
    },
  );

  it('a registry port nobody listens on: a retryable RegistryUnreachable with the socket error', async () => {
    const server = await stallingServer('silent');
    const { url } = server;
    await server.stop();
    const client = new RegistryClient('registry.test', credentials, { baseUrl: url, timeouts });
    const error = (await client.headManifest('app', 'v1').catch((e: unknown) => e)) as RegistryHttpError;
    expect(error.code).toBe('RegistryUnreachable');
    expect(error.message).toMatch(
      /^Could not reach the registry 127\.0\.0\.1:\d+ for HEAD manifest app:v1: ECONNREFUSED\.$/,
    );
    expect(classifyError(error).retryable).toBe(true);
  });

  it('the default limits: the SDK request timeout for small requests, minutes for blobs', () => {
    expect(REGISTRY_TIMEOUTS).toEqual({ requestMs: REQUEST_TIMEOUT_MS, blobMs: 600_000 });
  });
});
