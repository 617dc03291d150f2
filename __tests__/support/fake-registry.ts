/**
 * The registry API (OCI distribution) of the hosts a run talks to, as a fetch stand-in: blobs
 * and manifests by repository, Basic auth accepted, a host that refuses writes. Enough for the
 * labels read before a re-tag and the copy to extra registries.
 */
import { createHash } from 'node:crypto';

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

  /** The fetch the action's registry client calls. */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const method = init.method ?? 'GET';
    const answer = this.answer(method, url, init);
    this.log.push(`${method} ${url.host}${url.pathname} ${answer.status}`);
    return answer;
  };

  private answer(method: string, url: URL, init: RequestInit): Response {
    const m = /^\/v2\/(.+)\/(blobs|manifests)\/(uploads(?:\/\w*)?|[^/]+)$/.exec(url.pathname);
    if (!m) return new Response(null, { status: 404 });
    const [, name = '', kind, ref = ''] = m;
    const repo = this.repo(url.host, name);
    const write = method === 'PUT' || method === 'POST';
    if (write && this.refusing.has(url.host)) return new Response('denied', { status: 403 });
    if (kind === 'blobs') {
      if (method === 'POST')
        return new Response(null, { status: 202, headers: { location: `/v2/${name}/blobs/uploads/1` } });
      if (method === 'PUT') {
        repo.blobs.set(url.searchParams.get('digest') ?? '', Buffer.from(init.body as Uint8Array));
        return new Response(null, { status: 201 });
      }
      const blob = repo.blobs.get(ref);
      if (!blob) return new Response(null, { status: 404 });
      return new Response(method === 'HEAD' ? null : new Uint8Array(blob), { status: 200 });
    }
    if (method === 'PUT') {
      const body = Buffer.from(init.body as Uint8Array);
      const mediaType = new Headers(init.headers).get('content-type') ?? '';
      repo.manifests.set(ref, { body, mediaType });
      repo.manifests.set(sha256(body), { body, mediaType });
      return new Response(null, { status: 201 });
    }
    const manifest = repo.manifests.get(ref);
    if (!manifest) return new Response(null, { status: 404 });
    const headers = { 'content-type': manifest.mediaType, 'docker-content-digest': sha256(manifest.body) };
    return new Response(method === 'HEAD' ? null : new Uint8Array(manifest.body), { status: 200, headers });
  }
}
