/**
 * The registry API (OCI distribution) of the hosts a run talks to, as a transport stand-in: blobs
 * and manifests by repository, Basic auth accepted, a host that refuses writes. Enough for the
 * labels read before a re-tag and the copy to extra registries.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { HttpAnswer, HttpRequest } from '../../src/net/http-client.js';

interface Repo {
  blobs: Map<string, Buffer>;
  manifests: Map<string, { body: Buffer; mediaType: string }>;
}

export const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** An image manifest of `mediaType` naming `config` and one `layer` (OCI media types for both). */
export function oneLayerManifest(mediaType: string, config: Buffer, layer: Buffer): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length },
    ],
  });
}

export class FakeRegistries {
  private readonly repos = new Map<string, Repo>();
  /** Hosts that answer every write with 403. */
  readonly refusing = new Set<string>();
  /** Every request: `METHOD host/path status`. */
  readonly log: string[] = [];

  private repo(host: string, name: string): Repo {
    const key = `${host}/${name}`;
    let repo = this.repos.get(key);
    if (!repo) this.repos.set(key, (repo = { blobs: new Map(), manifests: new Map() }));
    return repo;
  }

  /** A one-layer image with these labels (and platform), stored under `tag`; returns its digest and manifest. */
  seedImage(
    host: string,
    name: string,
    tag: string,
    labels: Record<string, string>,
    platform: { os?: string; architecture?: string } = {},
  ) {
    const repo = this.repo(host, name);
    const config = Buffer.from(JSON.stringify({ ...platform, config: { Labels: labels } }));
    const layer = Buffer.from(`layer of ${tag}`);
    repo.blobs.set(sha256(config), config);
    repo.blobs.set(sha256(layer), layer);
    const mediaType = 'application/vnd.oci.image.manifest.v1+json';
    const manifest = oneLayerManifest(mediaType, config, layer);
    const body = Buffer.from(manifest);
    const digest = sha256(body);
    repo.manifests.set(tag, { body, mediaType });
    repo.manifests.set(digest, { body, mediaType });
    return { digest, manifest, mediaType, configDigest: sha256(config) };
  }

  hasManifest(host: string, name: string, reference: string): boolean {
    return this.repo(host, name).manifests.has(reference);
  }

  /** The transport's httpSend, which the action's registry client calls (tests mock it with this). */
  readonly send = async (input: string | URL, request: HttpRequest): Promise<HttpAnswer> => {
    const url = new URL(String(input));
    const method = request.method ?? 'GET';
    const body = await collect(request.body);
    const answer = this.answer(method, url, body, request.headers ?? {});
    this.log.push(`${method} ${url.host}${url.pathname} ${answer.status}`);
    return reply(url, answer.status, method === 'HEAD' ? undefined : answer.body, answer.headers);
  };

  private answer(
    method: string,
    url: URL,
    body: Buffer,
    headers: Record<string, string>,
  ): { status: number; body?: Buffer | string; headers?: Record<string, string> } {
    const m = /^\/v2\/(.+)\/(blobs|manifests)\/(uploads(?:\/\w*)?|[^/]+)$/.exec(url.pathname);
    if (!m) return { status: 404 };
    const [, name = '', kind, ref = ''] = m;
    const repo = this.repo(url.host, name);
    const write = method === 'PUT' || method === 'POST';
    if (write && this.refusing.has(url.host)) return { status: 403, body: 'denied' };
    if (kind === 'blobs') {
      if (method === 'POST') return { status: 202, headers: { location: `/v2/${name}/blobs/uploads/1` } };
      if (method === 'PUT') {
        repo.blobs.set(url.searchParams.get('digest') ?? '', body);
        return { status: 201 };
      }
      const blob = repo.blobs.get(ref);
      return blob ? { status: 200, body: blob } : { status: 404 };
    }
    if (method === 'PUT') {
      const mediaType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
      repo.manifests.set(ref, { body, mediaType });
      repo.manifests.set(sha256(body), { body, mediaType });
      return { status: 201 };
    }
    const manifest = repo.manifests.get(ref);
    if (!manifest) return { status: 404 };
    return {
      status: 200,
      body: manifest.body,
      headers: { 'content-type': manifest.mediaType, 'docker-content-digest': sha256(manifest.body) },
    };
  }
}

async function collect(body: HttpRequest['body']): Promise<Buffer> {
  if (body === undefined || Buffer.isBuffer(body)) return body ?? Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** An answer as http-client.ts gives it: headers by lower-case name, the body a stream. */
export function reply(
  url: URL,
  status: number,
  body: Buffer | string = '',
  headers: Record<string, string> = {},
): HttpAnswer {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status,
    statusText: '',
    ok: status >= 200 && status < 300,
    url: url.href,
    headers: { get: (name) => lower.get(name.toLowerCase()) ?? null },
    body: Readable.from([Buffer.from(body)]),
  };
}
