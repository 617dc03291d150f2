import { MEDIA_TYPES } from '../aws/media-types.js';
import { DockerError } from '../errors.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/**
 * A minimal OCI distribution (registry v2) client: what copying an image between
 * registries and reading an image's config need, and no more. Written here because
 * the registry libraries on npm pull in far more than these six requests (and docker
 * `imagetools create` rewrites single manifests into a new index, changing the digest).
 * Auth: Basic with the ECR token (private ECR accepts it), or the Bearer challenge
 * that ECR Public and other registries answer with.
 */
export class RegistryClient {
  private bearer?: string;

  constructor(
    private readonly host: string,
    private readonly credentials: RegistryCredentials,
  ) {}

  private url(repository: string, path: string): string {
    return `https://${this.host}/v2/${repository}/${path}`;
  }

  private authorization(): string {
    if (this.bearer) return `Bearer ${this.bearer}`;
    return `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
  }

  /** A request with auth; on a Bearer challenge, fetches a token once and retries. */
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
    if (res.status === 401 && !this.bearer && /^Bearer /i.test(challenge)) {
      await res.arrayBuffer();
      this.bearer = await this.token(challenge);
      res = await send();
    }
    return res;
  }

  private async token(challenge: string): Promise<string> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const url = new URL(params.realm ?? '');
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const basic = Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64');
    const res = await fetch(url, { headers: { Authorization: `Basic ${basic}` } });
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
    const location = new URL(start.headers.get('location') ?? '', `https://${this.host}`);
    location.searchParams.set('digest', digest);
    const done = await this.request('PUT', location.toString(), {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) },
      body: data,
    });
    if (done.status !== 201) throw await registryError(done, `upload of ${digest}`);
    await done.arrayBuffer();
  }
}

async function registryError(res: Response, what: string): Promise<DockerError> {
  const text = (await res.text().catch(() => '')).slice(0, 300);
  const error = new DockerError(
    `Registry refused ${what}: HTTP ${res.status} ${text}`.trim(),
    undefined,
    'RegistryHttpError',
  );
  // Same classification as any HTTP failure: 5xx/429/408 are worth another attempt.
  return Object.assign(error, { retryable: res.status >= 500 || res.status === 429 || res.status === 408 });
}
