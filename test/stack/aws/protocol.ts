/**
 * Wire formats shared by the emulated services: request bodies, the AWS error type, STS's query/XML
 * protocol, the JSON 1.1 protocol of ECR and ECR Public, and SigV4 parsing and verification.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** An error answered the way the service would: code (`__type` / `<Code>`), message, HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const newRequestId = (): string => randomUUID();

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// ---- STS: query protocol in, XML out ----

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export type XmlValue = string | number | Date | undefined | { [name: string]: XmlValue };

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function toXml(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof value !== 'object') return escapeXml(String(value));
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<${name}>${toXml(v)}</${name}>`)
    .join('');
}

export function sendStsResult(
  res: ServerResponse,
  operation: string,
  result: { [name: string]: XmlValue },
  requestId: string,
): void {
  const body =
    `<${operation}Response xmlns="${STS_NS}">` +
    `<${operation}Result>${toXml(result)}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${operation}Response>`;
  res
    .writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
    .end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`);
}

export function sendStsError(res: ServerResponse, err: AwsError, requestId: string): void {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${STS_NS}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  res
    .writeHead(err.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
    .end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`);
}

// ---- ECR / ECR Public: JSON 1.1 ----

/** JSON 1.1 encodes timestamps as epoch seconds. */
export const epochSeconds = (d: Date): number => d.getTime() / 1000;

export function sendJson(res: ServerResponse, result: unknown, requestId: string): void {
  res
    .writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId })
    .end(JSON.stringify(result));
}

export function sendJsonError(res: ServerResponse, err: AwsError, requestId: string): void {
  res
    .writeHead(err.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': err.code,
    })
    .end(JSON.stringify({ __type: err.code, message: err.message }));
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below like AWS answers a body it cannot read
  }
  throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
}

// ---- SigV4 ----

export interface SigV4 {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/ecr/aws4_request, SignedHeaders=a;b, Signature=hex` */
export function parseSigV4(header: string | undefined): SigV4 | undefined {
  const m = header?.match(
    /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/,
  );
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

const encodeRfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The headers of the request as received, same-named ones joined with commas, names lower-cased. */
function rawHeaderValues(req: IncomingMessage): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), req.rawHeaders[i + 1]!]);
  }
  return values;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Recomputes the signature with the secret we issued; services other than S3 double-encode the path. */
export function verifySigV4(req: IncomingMessage, body: Buffer, sig: SigV4, secret: string): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string') return false;
  const headers = rawHeaderValues(req);
  const canonicalHeaders = sig.signedHeaders
    .map(
      (name) => `${name}:${(headers.get(name) ?? []).map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`,
    )
    .join('');
  const canonicalPath = url.pathname
    .split('/')
    .map((segment) => encodeRfc3986(segment))
    .join('/');
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    req.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    sig.signedHeaders.join(';'),
    sha256Hex(body),
  ].join('\n');
  const scope = `${sig.date}/${sig.region}/${sig.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, sig.date);
  for (const part of [sig.region, sig.service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  return timingSafeEqual(expected, Buffer.from(sig.signature, 'hex'));
}

/** `20240101T120000Z` → Date. */
export function parseAmzDate(value: string): Date | undefined {
  const m = value.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}
