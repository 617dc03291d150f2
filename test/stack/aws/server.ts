/**
 * The AWS emulator: one HTTP server for STS (query/XML), ECR and ECR Public (JSON 1.1) and the
 * stack's /_control API. The real AWS SDK reaches it through AWS_ENDPOINT_URL_STS / _ECR /
 * _ECR_PUBLIC. Every AWS request passes the fault switch and lands in the request log.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Fault, type LoggedRequest, addedLatency, record, takeFault } from '../faults.js';
import { handleControl } from '../control.js';
import { RegistryClient } from '../registry-client.js';
import type { RepoRecord } from '../state.js';
import { ACCOUNTS, PUBLIC_BACKEND_PORT, PUBLIC_HOST } from '../topology.js';
import { authenticate } from './credentials.js';
import { ECR_TARGET_PREFIX, ecrOperation } from './ecr.js';
import { authorize } from './iam.js';
import { ECR_PUBLIC_TARGET_PREFIX, ecrPublicOperation } from './ecr-public.js';
import { RepositoryImages } from './images.js';
import {
  AwsError,
  newRequestId,
  parseJsonBody,
  readBody,
  sendJson,
  sendJsonError,
  sendStsError,
  sendStsResult,
} from './protocol.js';
import { JwksCache, stsCall } from './sts.js';

export interface AwsEmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  jwksUrl: string;
  issuer: string;
  registryPassword: string;
  /** Backend port per registry host; default topology's. */
  backendPorts?: Record<string, number>;
}

export interface AwsEmulator {
  url: string;
  close(): Promise<void>;
}

type Service = Extract<LoggedRequest['service'], 'sts' | 'ecr' | 'ecr-public'>;

/** One parsed AWS request: which operation, how to run it and how its answers are written. */
interface Call {
  service: Service;
  operation: string;
  run(): Promise<unknown>;
  reply(res: ServerResponse, result: unknown, requestId: string): void;
  replyError(res: ServerResponse, err: AwsError, requestId: string): void;
}

/** Codes of a `status` fault that names none: what each protocol calls throttling and a server fault. */
const DEFAULT_FAULT_CODES: Record<Service, { throttled: string; failed: string }> = {
  sts: { throttled: 'Throttling', failed: 'InternalFailure' },
  ecr: { throttled: 'ThrottlingException', failed: 'ServerException' },
  'ecr-public': { throttled: 'ThrottlingException', failed: 'ServerException' },
};

function faultError(service: Service, fault: Fault): AwsError {
  const status = fault.status ?? 500;
  const throttled = status === 429 || (status === 400 && !fault.code);
  const defaults = DEFAULT_FAULT_CODES[service];
  const code = fault.code ?? (throttled ? defaults.throttled : defaults.failed);
  const message =
    fault.message ?? (throttled ? 'Rate exceeded' : 'We encountered an internal error. Please try again.');
  return new AwsError(code, message, status);
}

function describeFault(fault: Fault): string {
  return [fault.kind, fault.status, fault.code, fault.latencyMs && `${fault.latencyMs}ms`]
    .filter(Boolean)
    .join(' ');
}

export async function startAwsEmulator(opts: AwsEmulatorOptions): Promise<AwsEmulator> {
  const jwks = new JwksCache(opts.jwksUrl);
  const { registryPassword } = opts;
  const backendPorts: Record<string, number> = {
    ...Object.fromEntries(ACCOUNTS.map((a) => [a.host, a.backendPort])),
    [PUBLIC_HOST]: PUBLIC_BACKEND_PORT,
    ...opts.backendPorts,
  };
  const images = (repo: RepoRecord) =>
    new RepositoryImages(repo, new RegistryClient(backendPorts[repo.host]!, registryPassword));

  function parseCall(req: IncomingMessage, body: Buffer): Call | undefined {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && req.method === 'POST') {
      const json = {
        reply: (res: ServerResponse, result: unknown, id: string) => sendJson(res, result, id),
        replyError: sendJsonError,
      };
      if (target.startsWith(ECR_TARGET_PREFIX)) {
        const operation = target.slice(ECR_TARGET_PREFIX.length);
        return {
          service: 'ecr',
          operation,
          run: async () =>
            ecrOperation(operation, parseJsonBody(body), {
              auth: authenticate(req, body, 'json'),
              registryPassword,
              images,
            }),
          ...json,
        };
      }
      if (target.startsWith(ECR_PUBLIC_TARGET_PREFIX)) {
        const operation = target.slice(ECR_PUBLIC_TARGET_PREFIX.length);
        return {
          service: 'ecr-public',
          operation,
          run: async () => {
            const { principal } = authenticate(req, body, 'json');
            const input = parseJsonBody(body);
            const name = typeof input.repositoryName === 'string' ? input.repositoryName : undefined;
            const resource = name ? `arn:aws:ecr-public::${principal.account}:repository/${name}` : '*';
            authorize(principal, `ecr-public:${operation}`, [resource]);
            return ecrPublicOperation(operation, input, { registryPassword, images });
          },
          ...json,
        };
      }
      return undefined;
    }
    const sts = stsCall(req, body, { jwks, issuer: opts.issuer });
    return (
      sts && {
        service: 'sts',
        operation: sts.operation,
        run: sts.run,
        reply: (res, result, id) =>
          sendStsResult(res, sts.operation, result as Parameters<typeof sendStsResult>[2], id),
        replyError: sendStsError,
      }
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.url?.startsWith('/_control/')) return handleControl(req, res, body);
    const requestId = newRequestId();
    const call = parseCall(req, body);
    if (!call) {
      return sendJsonError(
        res,
        new AwsError('UnknownOperationException', 'Unknown service or operation'),
        requestId,
      );
    }
    const fault = takeFault(`${call.service}:${call.operation}`);
    res.on('close', () =>
      record({
        service: call.service,
        operation: call.operation,
        status: res.headersSent ? res.statusCode : 0,
        fault: fault && describeFault(fault),
      }),
    );
    try {
      if (fault?.kind === 'reset') return void req.socket.destroy();
      if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));
      await addedLatency('aws');
      if (fault?.kind === 'status') throw faultError(call.service, fault);
      call.reply(res, await call.run(), requestId);
    } catch (err) {
      const awsError =
        err instanceof AwsError
          ? err
          : new AwsError(
              call.service === 'sts' ? 'InternalFailure' : 'ServerException',
              err instanceof Error ? err.message : String(err),
              500,
            );
      call.replyError(res, awsError, requestId);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
