/**
 * A small client for the Docker Registry HTTP API V2 of a docker-registry backend (plain HTTP on
 * 127.0.0.1, htpasswd user AWS). The AWS emulator reads and writes images through it, so ECR calls
 * see exactly what `docker push` stored; tests use it to check what the registry serves.
 */
import { linkAccess, ordered } from './registry-locks.js';
import { REGISTRY_USER } from './topology.js';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Every manifest type we accept; without them Distribution falls back to schema 1 conversion. */
export const ALL_MANIFEST_TYPES: string[] = Object.values(MEDIA_TYPES);

export interface Manifest {
  /** The bytes exactly as stored: their sha256 is the digest. */
  body: Buffer;
  mediaType: string;
  digest: string;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

/** An error answer of the registry: HTTP status and the first error code of its JSON body. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class RegistryClient {
  private readonly base: string;
  private readonly auth: string;

  constructor(
    private readonly port: number,
    password: string,
    user = REGISTRY_USER,
  ) {
    this.base = `http://127.0.0.1:${port}/v2`;
    this.auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  }

  private async request(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) {
    const send = () =>
      fetch(`${this.base}/${path}`, {
        method,
        headers: { authorization: this.auth, ...headers },
        body,
        signal: AbortSignal.timeout(30_000),
      });
    // Links are read and written in the same order as through the registry proxy (registry-locks.ts).
    return ordered(this.port, linkAccess(method, new URL(`${this.base}/${path}`)), send);
  }

  private async fail(res: Response, what: string): Promise<never> {
    const text = await res.text();
    let code = 'UNKNOWN';
    let message = text || res.statusText;
    try {
      const first = (JSON.parse(text) as { errors?: { code: string; message: string }[] }).errors?.[0];
      if (first) ({ code, message } = first);
    } catch {
      // not a registry JSON error: keep the raw text
    }
    throw new RegistryError(res.status, code, `${what}: HTTP ${res.status} ${code}: ${message}`);
  }

  /** All tags of the repository; none when the registry has never seen it. */
  async tags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `${repository}/tags/list?n=1000`;
    while (path) {
      const res = await this.request('GET', path);
      if (res.status === 404) return tags;
      if (!res.ok) await this.fail(res, `list tags of ${repository}`);
      tags.push(...(((await res.json()) as { tags: string[] | null }).tags ?? []));
      // Link: </v2/repo/tags/list?last=x&n=1000>; rel="next"
      path = res.headers.get('link')?.match(/<\/v2\/([^>]+)>/)?.[1];
    }
    return tags;
  }

  async getManifest(
    repository: string,
    reference: string,
    accept = ALL_MANIFEST_TYPES,
  ): Promise<Manifest | undefined> {
    const res = await this.request('GET', `${repository}/manifests/${reference}`, {
      accept: accept.join(', '),
    });
    if (res.status === 404) return undefined;
    if (!res.ok) await this.fail(res, `get manifest ${repository}:${reference}`);
    return {
      body: Buffer.from(await res.arrayBuffer()),
      mediaType: res.headers.get('content-type') ?? '',
      digest: res.headers.get('docker-content-digest') ?? '',
    };
  }

  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    const res = await this.request('HEAD', `${repository}/manifests/${reference}`, {
      accept: ALL_MANIFEST_TYPES.join(', '),
    });
    if (res.status === 404) return undefined;
    if (!res.ok) await this.fail(res, `head manifest ${repository}:${reference}`);
    return {
      digest: res.headers.get('docker-content-digest') ?? '',
      mediaType: res.headers.get('content-type') ?? '',
      size: Number(res.headers.get('content-length') ?? 0),
    };
  }

  /** Stores the manifest under a tag or its digest; returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const res = await this.request(
      'PUT',
      `${repository}/manifests/${reference}`,
      { 'content-type': mediaType },
      body,
    );
    if (!res.ok) await this.fail(res, `put manifest ${repository}:${reference}`);
    return res.headers.get('docker-content-digest') ?? '';
  }

  /** Uploads a blob in one request (monolithic upload: POST, then PUT with the digest). */
  async putBlob(repository: string, digest: string, bytes: Buffer): Promise<void> {
    const start = await this.request('POST', `${repository}/blobs/uploads/`);
    if (start.status !== 202) await this.fail(start, `start upload to ${repository}`);
    // Location is absolute or /v2/...; either way, the part after /v2/ is ours to request.
    const location = new URL(start.headers.get('location') ?? '', 'http://registry');
    const path = `${location.pathname.replace(/^\/v2\//, '')}${location.search}`;
    const sep = location.search ? '&' : '?';
    const res = await this.request(
      'PUT',
      `${path}${sep}digest=${encodeURIComponent(digest)}`,
      { 'content-type': 'application/octet-stream' },
      bytes,
    );
    if (res.status !== 201) await this.fail(res, `upload ${digest} to ${repository}`);
  }

  /** Size of a blob in bytes, or undefined when the repository does not hold it. */
  async blobSize(repository: string, digest: string): Promise<number | undefined> {
    const res = await this.request('HEAD', `${repository}/blobs/${digest}`);
    if (res.status === 404) return undefined;
    if (!res.ok) await this.fail(res, `head blob ${repository}@${digest}`);
    return Number(res.headers.get('content-length'));
  }
}
