import { createHash } from 'node:crypto';
import { MEDIA_TYPES } from './media-types.js';
import { DockerError } from '../errors.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /**
   * Scheme, host and port the requests go to; `https://HOST` unless set. Tests point it at a
   * plain-HTTP registry on 127.0.0.1.
   */
  baseUrl?: string;
}

/** A registry refusal: the HTTP status, and whether another attempt can help (5xx, 429, 408). */
export type RegistryHttpError = DockerError & { status: number; retryable: boolean };

/**
 * A minimal OCI distribution (registry v2) client: what copying an image between
 * registries and reading an image's config need, and no more. Written here because
 * the registry libraries on npm pull in far more than these few requests (and docker
 * `imagetools create` rewrites single manifests into a new index, changing the digest).
 * Auth: Basic with the ECR token (private ECR accepts it), or the Bearer challenge
 * that ECR Public and other registries answer with. A Bearer token is good for the
 * scope it was issued for (pull, or push): a challenge for another scope fetches a new one.
 */
export class RegistryClient {
  private bearer?: { token: string; scope: string };
  private readonly base: string;

  constructor(
    host: string,
    private readonly credentials: RegistryCredentials,
    options: RegistryClientOptions = {},
  ) {
    this.base = (options.baseUrl ?? `https://${host}`).replace(/\/+$/, '');
  }

  private url(repository: string, path: string): string {
    return `${this.base}/v2/${repository}/${path}`;
  }

  private basic(): string {
    return `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
  }

  private authorization(): string {
    return this.bearer ? `Bearer ${this.bearer.token}` : this.basic();
  }

  /**
   * A request with auth. On a 401 with a Bearer challenge for a scope the held token was not
   * issued for (or with no token yet), fetches a token for that scope and retries once.
   */
  async request(
    method: string,
    url: string,
    init: { headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<Response> {
    const send = () =>
      fetch(url, {
        method,
        headers: { ...init.headers, Authorization: this.authorization() },
        body: init.body,
        redirect: 'follow',
      });
    let res = await send();
    const challenge = res.headers.get('www-authenticate') ?? '';
    if (res.status === 401 && /^Bearer /i.test(challenge)) {
      const params = challengeParams(challenge);
      const scope = params.scope ?? '';
      if (!this.bearer || this.bearer.scope !== scope) {
        await res.arrayBuffer();
        this.bearer = { token: await this.token(params), scope };
        res = await send();
      }
    }
    return res;
  }

  private async token(params: Record<string, string>): Promise<string> {
    const url = new URL(params.realm ?? '');
    if (params.service) url.searchParams.set('service', params.service);
    // Several scopes in one challenge are space-separated; the token endpoint takes one parameter each.
    for (const scope of (params.scope ?? '').split(' ').filter(Boolean))
      url.searchParams.append('scope', scope);
    const res = await fetch(url, { headers: { Authorization: this.basic() } });
    if (!res.ok) throw await registryError(res, `token from ${url.host}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token ?? '';
  }

  async getManifest(
    repository: string,
    reference: string,
  ): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    const res = await this.request('GET', this.url(repository, `manifests/${reference}`), {
      headers: { Accept: MEDIA_TYPES.join(', ') },
    });
    if (!res.ok) throw await registryError(res, `GET manifest ${repository}:${reference}`);
    const body = Buffer.from(await res.arrayBuffer());
    return {
      body,
      mediaType: res.headers.get('content-type') ?? '',
      digest: res.headers.get('docker-content-digest') ?? reference,
    };
  }

  /** The digest a tag (or digest) names, or undefined when the registry has no such manifest. */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const res = await this.request('HEAD', this.url(repository, `manifests/${reference}`), {
      headers: { Accept: MEDIA_TYPES.join(', ') },
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw await registryError(res, `HEAD manifest ${repository}:${reference}`);
    const digest = res.headers.get('docker-content-digest');
    if (digest) return digest;
    // The header is optional: the digest of the bytes is the answer.
    const { body } = await this.getManifest(repository, reference);
    return `sha256:${createHash('sha256').update(body).digest('hex')}`;
  }

  async putManifest(repository: string, reference: string, body: Buffer, mediaType: string): Promise<void> {
    const res = await this.request('PUT', this.url(repository, `manifests/${reference}`), {
      headers: { 'Content-Type': mediaType },
      body,
    });
    if (!res.ok) throw await registryError(res, `PUT manifest ${repository}:${reference}`);
    await res.arrayBuffer();
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const res = await this.request('HEAD', this.url(repository, `blobs/${digest}`));
    return res.ok;
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const res = await this.request('GET', this.url(repository, `blobs/${digest}`));
    if (!res.ok) throw await registryError(res, `GET blob ${digest}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Monolithic upload: POST to open a session, PUT the bytes with the digest. */
  async putBlob(repository: string, digest: string, data: Buffer): Promise<void> {
    const start = await this.request('POST', this.url(repository, 'blobs/uploads/'));
    if (start.status !== 202) throw await registryError(start, `start upload of ${digest}`);
    await start.arrayBuffer();
    const location = new URL(start.headers.get('location') ?? '', this.base);
    location.searchParams.set('digest', digest);
    const done = await this.request('PUT', location.toString(), {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) },
      body: data,
    });
    if (done.status !== 201) throw await registryError(done, `upload of ${digest}`);
    await done.arrayBuffer();
  }
}

/** `Bearer realm="…",service="…",scope="…"` → { realm, service, scope }. */
function challengeParams(challenge: string): Record<string, string> {
  return Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

async function registryError(res: Response, what: string): Promise<RegistryHttpError> {
  const text = (await res.text().catch(() => '')).slice(0, 300);
  const error = new DockerError(
    `Registry refused ${what}: HTTP ${res.status} ${text}`.trim(),
    undefined,
    'RegistryHttpError',
  );
  // Same classification as any HTTP failure: 5xx/429/408 are worth another attempt.
  return Object.assign(error, {
    status: res.status,
    retryable: res.status >= 500 || res.status === 429 || res.status === 408,
  });
}
