/**
 * One HTTP exchange over Node's own http/https modules: what the OIDC token request and the registry
 * client need (a time limit over the whole exchange, redirects for downloads, a streamed body each
 * way), and no more.
 *
 * Written here instead of using fetch (undici): undici parses HTTP with a WebAssembly build of
 * llhttp that V8 compiles on the first request (~40 ms) and then optimises on a background thread,
 * which a short run's exit waits for (~65 ms measured on a re-run, issue 16). node:http parses
 * with the same llhttp compiled into Node, already loaded for the AWS SDK's handler.
 */
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  /** A Buffer is sent with its length; a stream as it comes (give Content-Length when known). */
  body?: Buffer | Readable;
  /** Milliseconds for the whole exchange, the answer's body included (also when read later). */
  timeoutMs: number;
  /**
   * `follow` (the default without a streamed body): 3xx answers are followed, up to 10, and the
   * Authorization header is dropped when one leads to another origin (a registry's blob on S3).
   * `manual`: the 3xx is the answer. A streamed body is never followed (it cannot be sent twice).
   */
  redirect?: 'follow' | 'manual';
  /** Called once the request (its first hop) is written out: the answer is the server's to give. */
  onSent?: () => void;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  ok: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  headers: { get(name: string): string | null };
  /** Unread; read it (readBody) or drop it (`body.destroy()`) before the time limit. */
  body: Readable;
}

/**
 * How a request to `url` connects: through an agent (a proxy's), over a socket already open to
 * its origin (transport.ts's preconnect; taken for that one request), or, for undefined, through
 * Node's global agent.
 */
type AgentFor = (url: URL) => Agent | Socket | undefined;

/** A request that failed before an answer: the socket's error is the cause, its code kept. */
export class HttpRequestError extends Error {
  override name = 'HttpRequestError';
  readonly code?: string;
  constructor(
    method: string,
    url: URL,
    override readonly cause: Error & { code?: string },
  ) {
    super(`${method} ${url.host} failed: ${cause.code ?? cause.message}`);
    this.code = cause.code;
  }
}

/** The exchange outlived its limit (named as AbortSignal.timeout names it). */
export class HttpTimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(
    readonly host: string,
    readonly limitMs: number,
  ) {
    super(`${host} did not answer within ${limitMs / 1000} s`);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

export async function sendRequest(
  url: string | URL,
  request: HttpRequest,
  agentFor: AgentFor = () => undefined,
): Promise<HttpAnswer> {
  const streamed = request.body instanceof Readable;
  const follow = (request.redirect ?? 'follow') === 'follow' && !streamed;
  const deadline = new Deadline(request.timeoutMs);
  let target = new URL(url);
  let { method = 'GET', body } = request;
  let headers = { ...request.headers };
  for (let hop = 0; ; hop++) {
    const res = await exchange(
      target,
      method,
      headers,
      body,
      agentFor,
      deadline,
      hop ? undefined : request.onSent,
    );
    const location = res.headers.location;
    if (!follow || !REDIRECTS.has(res.statusCode ?? 0) || !location || hop >= MAX_REDIRECTS) {
      deadline.until(res);
      return answer(res, target);
    }
    res.resume();
    const next = new URL(location, target);
    if (next.origin !== target.origin) headers = withoutHeaders(headers, ['authorization']);
    // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
    if (res.statusCode === 303 || (method === 'POST' && res.statusCode !== 307 && res.statusCode !== 308)) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      headers = withoutHeaders(headers, ['content-length', 'content-type']);
    }
    target = next;
  }
}

/** The whole body, within the request's time limit. */
export async function readBody(answer: HttpAnswer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of answer.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | Readable | undefined,
  agentFor: AgentFor,
  deadline: Deadline,
  onSent?: () => void,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(deadline.expired ?? new HttpRequestError(method, url, error));
    let req: ClientRequest;
    try {
      const sized = Buffer.isBuffer(body) && !hasHeader(headers, 'content-length');
      const via = agentFor(url);
      req = moduleFor(url).request(url, {
        method,
        headers: sized ? { ...headers, 'Content-Length': String(body.length) } : headers,
        ...(via instanceof Socket ? { createConnection: () => via } : { agent: via }),
      });
    } catch (error) {
      reject(error as Error); // an invalid header value or scheme: a bug or bad input, not the network
      return;
    }
    deadline.watch(req, url.host);
    req.on('error', fail);
    req.on('response', resolve);
    if (onSent) req.on('finish', onSent);
    if (body instanceof Readable) {
      // Either side failing ends the other: a refused upload frees the download's socket.
      body.on('error', (error) => req.destroy(error));
      req.on('error', () => body.destroy());
      body.pipe(req);
    } else req.end(body);
  });
}

/**
 * Only the module the scheme needs (https loads TLS, which a plain-HTTP token service skips), and
 * synchronously: an import() would let other work (the SDK's loading) run before the request is out.
 */
function moduleFor(url: URL): { request: typeof import('node:http').request } {
  if (url.protocol === 'https:') return process.getBuiltinModule('node:https');
  if (url.protocol === 'http:') return process.getBuiltinModule('node:http');
  throw new TypeError(`Only http and https URLs can be requested, not ${url.protocol}`);
}

function answer(res: IncomingMessage, url: URL): HttpAnswer {
  const status = res.statusCode ?? 0;
  return {
    status,
    statusText: res.statusMessage ?? '',
    ok: status >= 200 && status < 300,
    url: url.href,
    headers: {
      get(name) {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: res,
  };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !names.includes(key.toLowerCase())));
}

/**
 * One time limit over the request, its redirects and the answer's body. The timer is unref'd: a
 * limit never keeps the process alive on its own.
 */
class Deadline {
  expired?: HttpTimeoutError;
  private readonly live = new Set<{ destroy(error: Error): void }>();
  private readonly timer: NodeJS.Timeout;
  private host = '';

  constructor(readonly limitMs: number) {
    this.timer = setTimeout(() => {
      this.expired = new HttpTimeoutError(this.host, limitMs);
      for (const stream of this.live) stream.destroy(this.expired);
    }, limitMs);
    this.timer.unref();
  }

  watch(req: ClientRequest, host: string): void {
    this.host = host;
    this.live.add(req);
    req.on('close', () => this.live.delete(req));
  }

  /** The answer the caller gets: its body stays under the limit until it ends. */
  until(res: IncomingMessage): void {
    this.live.add(res);
    res.on('close', () => {
      this.live.delete(res);
      clearTimeout(this.timer);
    });
  }
}
