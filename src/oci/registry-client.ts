import { createHash } from 'node:crypto';
import type { Descriptor } from './manifest.js';
import { MEDIA_TYPES } from './media-types.js';
import type { Readable } from 'node:stream';
import { readBody, type HttpAnswer, type HttpRequest } from '../net/http-client.js';
import { httpSend } from '../net/transport.js';
import { DockerError } from '../errors.js';
import { isRetryableStatus, REQUEST_TIMEOUT_MS } from '../retry.js';

interface RegistryCredentials {
  username: string;
  password: string;
}

interface RegistryClientOptions {
  /**
   * Scheme, host and port the requests go to; `https://HOST` unless set. Tests point it at a
   * plain-HTTP registry on 127.0.0.1.
   */
  baseUrl?: string;
  /** Overrides the time limits below (tests use a few milliseconds). */
  timeouts?: Partial<RegistryTimeouts>;
}

/**
 * Milliseconds a whole request and its answer may take. Manifests, tags and tokens are small: the
 * SDK's request timeout holds for them, so a black-holed registry fails as fast as AWS calls do.
 * A blob is a layer of any size, streamed: it gets minutes.
 */
interface RegistryTimeouts {
  requestMs: number;
  blobMs: number;
}
export const REGISTRY_TIMEOUTS: RegistryTimeouts = { requestMs: REQUEST_TIMEOUT_MS, blobMs: 600_000 };

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
  private readonly timeouts: RegistryTimeouts;

  constructor(
    private readonly host: string,
    private readonly credentials: RegistryCredentials,
    options: RegistryClientOptions = {},
  ) {
    this.base = (options.baseUrl ?? `https://${host}`).replace(/\/+$/, '');
    this.timeouts = { ...REGISTRY_TIMEOUTS, ...options.timeouts };
  }

  /**
   * One exchange with a time limit over the request and the whole answer (the body is read inside,
   * so a registry that stalls mid-answer is caught too); a timeout or a socket failure becomes a
   * retryable DockerError naming the operation, the host and the fix.
   */
  private async send<T>(
    what: string,
    url: string | URL,
    init: Omit<HttpRequest, 'timeoutMs'>,
    read: (res: HttpAnswer) => Promise<T>,
    limitMs = this.timeouts.requestMs,
  ): Promise<T> {
    try {
      const res = await httpSend(url, { ...init, timeoutMs: limitMs });
      return await read(res);
    } catch (error) {
      if (error instanceof DockerError) throw error;
      throw networkError(error, what, new URL(url).host || this.host, limitMs);
    }
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
   * issued for (or with no token yet), fetches a token for that scope and retries once. A streamed
   * body cannot be sent twice: its 401 comes back as it is (the upload's POST got the push token).
   * `stream`: a successful answer's body is handed over unread (its time limit still runs).
   */
  async request(
    method: string,
    url: string,
    init: {
      headers?: Record<string, string>;
      body?: Buffer | Readable;
      what?: string;
      blob?: boolean;
      stream?: boolean;
    } = {},
  ): Promise<Answer> {
    const what = init.what ?? `${method} ${new URL(url).pathname}`;
    const limit = init.blob ? this.timeouts.blobMs : this.timeouts.requestMs;
    const streamed = init.body !== undefined && !Buffer.isBuffer(init.body);
    const send = () =>
      this.send(
        what,
        url,
        // A streamed body is never redirected (http-client.ts): it could not be sent twice.
        { method, headers: { ...init.headers, Authorization: this.authorization() }, body: init.body },
        init.stream ? openAnswer : readAnswer,
        limit,
      );
    let res = await send();
    const challenge = res.headers.get('www-authenticate') ?? '';
    if (res.status === 401 && /^Bearer /i.test(challenge) && !streamed) {
      const params = challengeParams(challenge);
      const scope = params.scope ?? '';
      if (!this.bearer || this.bearer.scope !== scope) {
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
    const res = await this.send(
      `token request`,
      url,
      { headers: { Authorization: this.basic() } },
      readAnswer,
    );
    if (!res.ok) throw registryError(res, `token from ${url.host}`);
    let body: { token?: string; access_token?: string };
    try {
      body = JSON.parse(res.body.toString('utf8')) as typeof body;
    } catch {
      throw new DockerError(
        `The token service at ${url.host} answered with something that is not JSON.`,
        undefined,
        'RegistryBadAnswer',
      );
    }
    return body.token ?? body.access_token ?? '';
  }

  async getManifest(
    repository: string,
    reference: string,
  ): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    const what = `GET manifest ${repository}:${reference}`;
    const res = await this.request('GET', this.url(repository, `manifests/${reference}`), {
      headers: { Accept: MEDIA_TYPES.join(', ') },
      what,
    });
    if (!res.ok) throw registryError(res, what);
    return {
      body: res.body,
      mediaType: res.headers.get('content-type') ?? '',
      digest: res.headers.get('docker-content-digest') ?? reference,
    };
  }

  /** The digest a tag (or digest) names, or undefined when the registry has no such manifest. */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const what = `HEAD manifest ${repository}:${reference}`;
    const res = await this.request('HEAD', this.url(repository, `manifests/${reference}`), {
      headers: { Accept: MEDIA_TYPES.join(', ') },
      what,
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw registryError(res, what);
    const digest = res.headers.get('docker-content-digest');
    if (digest) return digest;
    // The header is optional: the digest of the bytes is the answer.
    const { body } = await this.getManifest(repository, reference);
    return `sha256:${createHash('sha256').update(body).digest('hex')}`;
  }

  async putManifest(repository: string, reference: string, body: Buffer, mediaType: string): Promise<void> {
    const what = `PUT manifest ${repository}:${reference}`;
    const res = await this.request('PUT', this.url(repository, `manifests/${reference}`), {
      headers: { 'Content-Type': mediaType },
      body,
      what,
    });
    if (!res.ok) throw registryError(res, what);
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const res = await this.request('HEAD', this.url(repository, `blobs/${digest}`), {
      what: `HEAD blob ${digest}`,
    });
    return res.ok;
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const what = `GET blob ${digest}`;
    const res = await this.request('GET', this.url(repository, `blobs/${digest}`), { what, blob: true });
    if (!res.ok) throw registryError(res, what);
    return res.body;
  }

  /**
   * A blob as a stream, for a copy: never held whole in memory. Its length, when the registry
   * gives it. The blob time limit runs until the body is read.
   */
  async openBlob(repository: string, digest: string): Promise<BlobStream> {
    const what = `GET blob ${digest}`;
    const res = await this.request('GET', this.url(repository, `blobs/${digest}`), {
      what,
      blob: true,
      stream: true,
    });
    if (!res.ok || !res.stream) throw registryError(res, what);
    const length = res.headers.get('content-length');
    return { body: res.stream, size: length === null ? undefined : Number(length) };
  }

  /**
   * Monolithic upload: POST opens a session, then PUT sends the bytes with the digest, streamed
   * from `open()` (called once the session exists, so a refused POST opens no download): memory
   * stays flat whatever the layer's size. The length is the descriptor's, else the download's.
   */
  async putBlob(repository: string, blob: Descriptor, open: () => Promise<BlobStream>): Promise<void> {
    const { digest } = blob;
    const start = await this.request('POST', this.url(repository, 'blobs/uploads/'), {
      what: `start upload of ${digest}`,
    });
    if (start.status !== 202) throw registryError(start, `start upload of ${digest}`);
    const location = new URL(start.headers.get('location') ?? '', this.base);
    location.searchParams.set('digest', digest);
    const source = await open();
    const size = blob.size ?? source.size;
    const done = await this.request('PUT', location.toString(), {
      headers: {
        'Content-Type': 'application/octet-stream',
        ...(size === undefined ? {} : { 'Content-Length': String(size) }),
      },
      body: source.body,
      what: `upload of ${digest}`,
      blob: true,
    });
    if (done.status !== 201) throw registryError(done, `upload of ${digest}`);
  }
}

/** A blob's bytes on their way: a download's body, and its length when known. */
interface BlobStream {
  body: Readable;
  size?: number;
}

/**
 * A registry answer, read whole within the request's time limit; or, for a streamed download
 * that succeeded, its body unread (`stream`, `body` empty).
 */
interface Answer {
  ok: boolean;
  status: number;
  headers: HttpAnswer['headers'];
  body: Buffer;
  stream?: Readable;
}

async function readAnswer(res: HttpAnswer): Promise<Answer> {
  const body = await readBody(res);
  return { ok: res.ok, status: res.status, headers: res.headers, body };
}

/** A successful answer's body left unread; anything else read whole (its error text, a challenge). */
async function openAnswer(res: HttpAnswer): Promise<Answer> {
  if (!res.ok) return readAnswer(res);
  return { ok: true, status: res.status, headers: res.headers, body: Buffer.alloc(0), stream: res.body };
}

/** `Bearer realm="…",service="…",scope="…"` → { realm, service, scope }. */
function challengeParams(challenge: string): Record<string, string> {
  return Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

function registryError(res: Answer, what: string): RegistryHttpError {
  const text = res.body.toString('utf8').slice(0, 300);
  const error = new DockerError(
    `Registry refused ${what}: HTTP ${res.status} ${text}`.trim(),
    undefined,
    'RegistryHttpError',
  );
  return Object.assign(error, { status: res.status, retryable: isRetryableStatus(res.status) });
}

const TIMEOUT = /^TimeoutError$|^ETIMEDOUT$/;

/** A registry that cannot be reached or does not answer in time: worth another attempt. */
function networkError(error: unknown, what: string, host: string, limitMs: number): RegistryHttpError {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.name;
  const timedOut = TIMEOUT.test(e.name) || TIMEOUT.test(code);
  const failure = new DockerError(
    timedOut
      ? `The registry ${host} did not answer ${what} within ${Math.round(limitMs / 100) / 10} s.`
      : `Could not reach the registry ${host} for ${what}: ${e.cause?.code ?? e.cause?.message ?? e.message}.`,
    'Check the network from the runner to the registry (a proxy, a firewall, a VPC endpoint or its policy), then re-run.',
    timedOut ? 'RegistryTimeout' : 'RegistryUnreachable',
  );
  return Object.assign(failure, { status: 0, retryable: true });
}
