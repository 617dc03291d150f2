/**
 * net/http-client against real local servers: one exchange, its bodies each way, redirects (and the
 * Authorization header across origins), the time limit over the whole exchange, and the failures.
 */
import {
  Agent,
  createServer,
  type ClientRequestArgs,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  HttpRequestError,
  HttpTimeoutError,
  readBody,
  sendRequest,
  type HttpAnswer,
  type HttpRequest,
} from '../../src/net/http-client.js';

/** What a server saw of one request. */
interface Seen {
  server: 'main' | 'other';
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
}

const seen: Seen[] = [];
/** Answers held open (a server that never answers, or stalls): ended after each test. */
const held: ServerResponse[] = [];
let main: Server;
let other: Server;
let base = '';
let otherBase = '';

/**
 * The path picks the answer:
 * /echo, /status/N, /headers, /redirect/N?to=URL, /chain/N (N redirects, then 200), /loop/N (for
 * ever), /slow/MS, /silent (never answers), /stall (headers and half a body), /refuse (413, unread).
 */
function handler(server: Seen['server']) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (body: string) =>
      seen.push({
        server,
        method: req.method ?? '',
        path: url.pathname + url.search,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      });
    // Answered before (or without) reading the request's body.
    if (url.pathname === '/silent') {
      record('');
      held.push(res);
      return;
    }
    if (url.pathname === '/refuse') {
      record('');
      res.writeHead(413, { connection: 'close' });
      res.end('too big');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      record(Buffer.concat(chunks).toString('utf8'));
      const [, route = '', arg = ''] = url.pathname.split('/');
      switch (route) {
        case 'echo':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`${req.method} ${Buffer.concat(chunks).toString('utf8')}`);
          return;
        case 'status':
          res.writeHead(Number(arg), Number(arg) === 301 ? { location: '/echo' } : {});
          res.end(`status ${arg}`);
          return;
        case 'headers':
          res.setHeader('X-Single', 'one');
          res.setHeader('X-Multi', ['x', 'y']);
          res.setHeader('Set-Cookie', ['a=1', 'b=2']);
          res.end();
          return;
        case 'redirect':
          res.writeHead(Number(arg), { location: url.searchParams.get('to') ?? '/echo' });
          res.end();
          return;
        case 'chain':
          if (Number(arg) === 0) res.end('end of chain');
          else res.writeHead(301, { location: `/chain/${Number(arg) - 1}` }).end();
          return;
        case 'loop':
          res.writeHead(301, { location: `/loop/${Number(arg) + 1}` }).end();
          return;
        case 'slow':
          setTimeout(() => res.end('late'), Number(arg));
          return;
        case 'stall':
          res.writeHead(200, { 'content-length': '100' });
          res.write('half');
          held.push(res);
          return;
        default:
          res.writeHead(404).end();
      }
    });
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  main = createServer(handler('main'));
  other = createServer(handler('other'));
  base = await listen(main);
  otherBase = await listen(other);
});
afterEach(() => {
  seen.length = 0;
  for (const res of held.splice(0)) res.destroy();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await close(main);
  await close(other);
});

const send = (path: string, request: Partial<HttpRequest> = {}) =>
  sendRequest(path.startsWith('http') ? path : `${base}${path}`, { timeoutMs: 5000, ...request });

async function text(answer: HttpAnswer): Promise<string> {
  return (await readBody(answer)).toString('utf8');
}

/** The rejection of `promise` (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** A port nothing listens on: one that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('sendRequest: the answer', () => {
  // [path, request, status, statusText, ok]
  const rows: [string, Partial<HttpRequest>, number, string, boolean][] = [
    ['/status/200', {}, 200, 'OK', true],
    ['/status/204', {}, 204, 'No Content', true],
    ['/status/301', { redirect: 'manual' }, 301, 'Moved Permanently', false],
    ['/status/404', {}, 404, 'Not Found', false],
    ['/status/500', {}, 500, 'Internal Server Error', false],
  ];
  it.each(rows)('GET %s %j → %i %s, ok %s', async (path, request, status, statusText, ok) => {
    const answer = await send(path, request);
    expect(answer.status).toBe(status);
    expect(answer.statusText).toBe(statusText);
    expect(answer.ok).toBe(ok);
    expect(answer.url).toBe(`${base}${path}`);
    expect(await text(answer)).toBe(status === 204 ? '' : `status ${status}`);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([`GET ${path}`]);
  });

  // [header asked for, value]
  const headerRows: [string, string | null][] = [
    ['X-Single', 'one'],
    ['x-single', 'one'],
    ['X-SINGLE', 'one'],
    ['x-multi', 'x, y'],
    ['Set-Cookie', 'a=1, b=2'],
    ['x-absent', null],
  ];
  it.each(headerRows)('headers.get(%j) → %j', async (name, value) => {
    const answer = await send('/headers');
    answer.body.resume();
    expect(answer.headers.get(name)).toBe(value);
  });

  it('the body left unread past the limit is ended with the TimeoutError', async () => {
    const answer = await send('/echo', { timeoutMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const error = await failure(readBody(answer));
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(error.name).toBe('TimeoutError');
  });
});

describe('sendRequest: the request body', () => {
  // [case, headers, content-length lines the server sees]
  const rows: [string, Record<string, string>, string[]][] = [
    ['no Content-Length given: the Buffer length is sent', {}, ['5']],
    ['Content-Length given: not repeated', { 'Content-Length': '5' }, ['5']],
    ['content-length given in lower case: not repeated', { 'content-length': '5' }, ['5']],
  ];
  it.each(rows)('a Buffer, %s', async (_name, headers, lengths) => {
    const answer = await send('/echo', { method: 'POST', headers, body: Buffer.from('hello') });
    expect(await text(answer)).toBe('POST hello');
    const [request] = seen;
    const sentLengths = request!.rawHeaders.filter(
      (_, i) => i % 2 === 0 && /^content-length$/i.test(request!.rawHeaders[i]!),
    );
    expect(sentLengths).toHaveLength(lengths.length);
    expect(request!.headers['content-length']).toBe(lengths[0]);
    expect(request!.headers['transfer-encoding']).toBeUndefined();
  });

  // [case, headers, content-length the server sees, transfer-encoding]
  const streamRows: [string, Record<string, string>, string | undefined, string | undefined][] = [
    ['without a length: chunked', {}, undefined, 'chunked'],
    ['with its Content-Length', { 'Content-Length': '12' }, '12', undefined],
  ];
  it.each(streamRows)('a Readable, %s, arrives whole', async (_name, headers, length, encoding) => {
    const chunks = ['first', '-', 'second'].map((s) => Buffer.from(s));
    const answer = await send('/echo', { method: 'PUT', headers, body: Readable.from(chunks) });
    expect(await text(answer)).toBe('PUT first-second');
    expect(seen[0]!.body).toBe('first-second');
    expect(seen[0]!.headers['content-length']).toBe(length);
    expect(seen[0]!.headers['transfer-encoding']).toBe(encoding);
  });

  it('an upload refused part-way (413, the connection closed unread): the 413, and the source is destroyed', async () => {
    let reads = 0;
    const source = new Readable({
      read() {
        reads++;
        this.push(Buffer.alloc(64 * 1024, 'x'));
      },
    });
    const answer = await send('/refuse', { method: 'PUT', body: source });
    expect(answer.status).toBe(413);
    expect(await text(answer)).toBe('too big');
    await vi.waitFor(() => expect(source.destroyed).toBe(true), { timeout: 2000 });
    // It stopped: an endless source was not read on.
    const stoppedAt = reads;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads).toBe(stoppedAt);
  });

  it('a failing source fails the request with its error as the cause', async () => {
    const source = new Readable({ read() {} });
    const pending = send('/echo', { method: 'PUT', body: source });
    source.push('some');
    setTimeout(() => source.destroy(new Error('disk gone')), 20);
    const error = await failure(pending);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error.cause as Error).message).toBe('disk gone');
    expect(error.message).toBe(`PUT ${new URL(base).host} failed: disk gone`);
  });
});

describe('sendRequest: redirects', () => {
  // [case, method, status, what the last hop is: method and body]
  const rows: [string, string, number, string, string][] = [
    ['301 GET is followed', 'GET', 301, 'GET', ''],
    ['302 GET is followed', 'GET', 302, 'GET', ''],
    ['307 GET is followed', 'GET', 307, 'GET', ''],
    ['308 GET is followed', 'GET', 308, 'GET', ''],
    ['303 after POST: a GET without the body', 'POST', 303, 'GET', ''],
    ['301 after POST: a GET without the body (as fetch)', 'POST', 301, 'GET', ''],
    ['302 after POST: a GET without the body (as fetch)', 'POST', 302, 'GET', ''],
    ['307 after POST: still a POST, with the body', 'POST', 307, 'POST', 'payload'],
    ['308 after POST: still a POST, with the body', 'POST', 308, 'POST', 'payload'],
    ['303 after PUT: a GET without the body', 'PUT', 303, 'GET', ''],
    ['302 after PUT: still a PUT, with the body', 'PUT', 302, 'PUT', 'payload'],
  ];
  it.each(rows)('%s', async (_name, method, status, lastMethod, lastBody) => {
    const body = method === 'GET' ? undefined : Buffer.from('payload');
    const answer = await send(`/redirect/${status}?to=/echo`, { method, body });
    expect(answer.status).toBe(200);
    expect(answer.url).toBe(`${base}/echo`);
    expect(await text(answer)).toBe(`${lastMethod} ${lastBody}`);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `${method} /redirect/${status}?to=/echo`,
      `${lastMethod} /echo`,
    ]);
    const last = seen[1]!;
    expect(last.body).toBe(lastBody);
    expect(last.headers['content-length']).toBe(lastBody ? String(lastBody.length) : undefined);
  });

  it('303 after a POST with an explicit Content-Length: the GET promises no body', async () => {
    const answer = await send('/redirect/303?to=/echo', {
      method: 'POST',
      headers: { 'Content-Length': '7', 'Content-Type': 'text/plain' },
      body: Buffer.from('payload'),
      timeoutMs: 2000,
    });
    expect(await text(answer)).toBe('GET ');
    expect(seen[1]!.headers['content-length']).toBeUndefined();
    expect(seen[1]!.headers['content-type']).toBeUndefined();
  });

  it('303 after HEAD stays a HEAD', async () => {
    const answer = await send('/redirect/303?to=/echo', { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(seen.map((s) => s.method)).toEqual(['HEAD', 'HEAD']);
  });

  // [case, where the redirect leads, Authorization at the second hop]
  const authRows: [string, () => string, string | undefined][] = [
    ['same origin: kept', () => '/echo', 'Bearer secret'],
    ['same origin, absolute URL: kept', () => `${base}/echo`, 'Bearer secret'],
    ['another origin (port): dropped', () => `${otherBase}/echo`, undefined],
  ];
  it.each(authRows)('Authorization on a redirect to the %s', async (_name, to, authorization) => {
    const target = to();
    const answer = await send(`/redirect/302?to=${encodeURIComponent(target)}`, {
      headers: { Authorization: 'Bearer secret', 'X-Trace': 'abc' },
    });
    expect(answer.status).toBe(200);
    expect(answer.url).toBe(new URL(target, base).href);
    expect(seen[0]!.headers.authorization).toBe('Bearer secret');
    expect(seen[1]!.server).toBe(target.startsWith(otherBase) ? 'other' : 'main');
    expect(seen[1]!.headers.authorization).toBe(authorization);
    expect(seen[1]!.headers['x-trace']).toBe('abc');
  });

  it('a lower-case authorization header is dropped across origins too', async () => {
    await send(`/redirect/307?to=${encodeURIComponent(`${otherBase}/echo`)}`, {
      headers: { authorization: 'Basic abc' },
    }).then(text);
    expect(seen.map((s) => [s.server, s.headers.authorization])).toEqual([
      ['main', 'Basic abc'],
      ['other', undefined],
    ]);
  });

  it('once dropped, Authorization stays dropped when a later hop comes back', async () => {
    const back = `${base}/echo`;
    const away = `${otherBase}/redirect/302?to=${encodeURIComponent(back)}`;
    await send(`/redirect/302?to=${encodeURIComponent(away)}`, { headers: { Authorization: 'x' } }).then(
      text,
    );
    expect(seen.map((s) => [s.server, s.headers.authorization])).toEqual([
      ['main', 'x'],
      ['other', undefined],
      ['main', undefined],
    ]);
  });

  it("redirect: 'manual' answers with the 3xx", async () => {
    const answer = await send('/redirect/302?to=/echo', { redirect: 'manual' });
    answer.body.resume();
    expect(answer.status).toBe(302);
    expect(answer.ok).toBe(false);
    expect(answer.headers.get('Location')).toBe('/echo');
    expect(answer.url).toBe(`${base}/redirect/302?to=/echo`);
    expect(seen).toHaveLength(1);
  });

  it('a streamed body is never followed: the 3xx is the answer', async () => {
    const answer = await send('/redirect/307?to=/echo', {
      method: 'PUT',
      body: Readable.from([Buffer.from('data')]),
    });
    answer.body.resume();
    expect(answer.status).toBe(307);
    expect(seen.map((s) => `${s.method} ${s.path} ${s.body}`)).toEqual(['PUT /redirect/307?to=/echo data']);
  });

  it('a 3xx without a Location is the answer', async () => {
    const answer = await send('/status/302');
    expect(answer.status).toBe(302);
    expect(await text(answer)).toBe('status 302');
    expect(seen).toHaveLength(1);
  });

  // [redirects in a row, final status, requests made]
  const chainRows: [number, number, number][] = [
    [1, 200, 2],
    [10, 200, 11],
    [11, 301, 11],
  ];
  it.each(chainRows)('%i redirects in a row → %i after %i requests', async (redirects, status, requests) => {
    const answer = await send(`/chain/${redirects}`);
    answer.body.resume();
    expect(answer.status).toBe(status);
    expect(seen).toHaveLength(requests);
    expect(answer.url).toBe(`${base}/chain/${redirects - requests + 1}`);
  });

  it('a redirect loop: the 11th answer, a 3xx, is returned', async () => {
    const answer = await send('/loop/0');
    answer.body.resume();
    expect(answer.status).toBe(301);
    expect(answer.headers.get('location')).toBe('/loop/11');
    expect(answer.url).toBe(`${base}/loop/10`);
    expect(seen).toHaveLength(11);
  });
});

describe('sendRequest: the time limit', () => {
  const host = () => new URL(base).host;

  // [case, path]
  const rows: [string, string][] = [
    ['a server that never answers', '/silent'],
    ['a redirect to a server that never answers (one limit over every hop)', '/redirect/302?to=/silent'],
  ];
  it.each(rows)('%s: a TimeoutError within the limit', async (_name, path) => {
    const started = performance.now();
    const error = await failure(send(path, { timeoutMs: 100 }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(error.name).toBe('TimeoutError');
    expect(error.message).toBe(`${host()} did not answer within 0.1 s`);
    expect((error as HttpTimeoutError).host).toBe(host());
    expect((error as HttpTimeoutError).limitMs).toBe(100);
    expect(elapsed).toBeGreaterThanOrEqual(95);
  });

  it('headers, then a stalled body: the answer comes, readBody rejects with the TimeoutError', async () => {
    const answer = await send('/stall', { timeoutMs: 150 });
    expect(answer.status).toBe(200);
    const error = await failure(readBody(answer));
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(error.name).toBe('TimeoutError');
  });

  it('a completed exchange clears its timer: no error after the body is read', async () => {
    const LIMIT = 4321;
    const setSpy = vi.spyOn(globalThis, 'setTimeout');
    const clearSpy = vi.spyOn(globalThis, 'clearTimeout');
    const answer = await send('/echo', { timeoutMs: LIMIT });
    const call = setSpy.mock.calls.findIndex(([, ms]) => ms === LIMIT);
    expect(call).toBeGreaterThanOrEqual(0);
    const timer = setSpy.mock.results[call]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false); // never keeps the process alive on its own
    expect(clearSpy).not.toHaveBeenCalledWith(timer);
    expect(await text(answer)).toBe('GET ');
    await vi.waitFor(() => expect(clearSpy).toHaveBeenCalledWith(timer));
    expect(answer.body.errored).toBeNull();
  });

  it('a short limit, met: the body read in time stays whole, and nothing fails later', async () => {
    const answer = await send('/echo', { timeoutMs: 100 });
    expect(await text(answer)).toBe('GET ');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answer.body.errored).toBeNull();
    expect(answer.body.destroyed).toBe(true);
  });
});

describe('sendRequest: failures before an answer', () => {
  it('connection refused: an HttpRequestError keeping the code, naming the method and host', async () => {
    const port = await freePort();
    const error = await failure(
      sendRequest(`http://127.0.0.1:${port}/x`, { method: 'DELETE', timeoutMs: 2000 }),
    );
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(error.name).toBe('HttpRequestError');
    expect(error.code).toBe('ECONNREFUSED');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(error.message).toBe(`DELETE 127.0.0.1:${port} failed: ECONNREFUSED`);
  });

  it.each(['ftp://x/', 'file:///etc/passwd'])('%s: a TypeError naming the scheme', async (url) => {
    const error = await failure(sendRequest(url, { timeoutMs: 1000 }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`Only http and https URLs can be requested, not ${new URL(url).protocol}`);
  });

  it('an invalid header value is rejected as is (a bug, not the network)', async () => {
    const error = await failure(send('/echo', { headers: { 'X-Bad': 'a\nb' } }));
    expect(error).not.toBeInstanceOf(HttpRequestError);
    expect(error.code).toBe('ERR_INVALID_CHAR');
    expect(seen).toHaveLength(0);
  });
});

describe('sendRequest: hooks', () => {
  it('onSent is called once, when the request is out and before the answer', async () => {
    const events: string[] = [];
    const answer = await send('/slow/200', { onSent: () => events.push('sent') });
    events.push('answer');
    expect(await text(answer)).toBe('late');
    expect(events).toEqual(['sent', 'answer']);
  });

  it('onSent is called for the first hop only, not again after a redirect', async () => {
    let calls = 0;
    const answer = await send('/redirect/302?to=/echo', { onSent: () => calls++ });
    expect(answer.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(calls).toBe(1);
  });

  class CountingAgent extends Agent {
    connections = 0;
    override createConnection(
      options: ClientRequestArgs,
      callback?: Parameters<Agent['createConnection']>[1],
    ): ReturnType<Agent['createConnection']> {
      this.connections++;
      return super.createConnection(options, callback);
    }
  }

  it('agentFor: asked per hop with the URL, and its agent makes the connections', async () => {
    const agent = new CountingAgent({ keepAlive: false });
    const asked: string[] = [];
    const answer = await sendRequest(
      `${base}/redirect/302?to=${encodeURIComponent(`${otherBase}/echo`)}`,
      { timeoutMs: 5000 },
      (url) => {
        asked.push(url.href);
        return agent;
      },
    );
    expect(await text(answer)).toBe('GET ');
    expect(asked).toEqual([
      `${base}/redirect/302?to=${encodeURIComponent(`${otherBase}/echo`)}`,
      `${otherBase}/echo`,
    ]);
    expect(agent.connections).toBe(2);
    agent.destroy();
  });
});
