/**
 * The floor's own registry: one Distribution (the same docker-registry binary as the stack's
 * backends) serving TLS itself on 127.0.0.1, with no proxy in front, started by the bench and
 * stopped after it. The stack's registry front adds ECR's semantics (repositories, immutability,
 * counters) at the cost of a hop per request; this is the plain path the floor measures.
 * Docker talks TLS to it; a registry on 127.0.0.0/8 needs no CA in Docker's certs.d.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PATHS } from '../test/stack/paths.js';
import { REGISTRY_BINARY } from '../test/stack/registry.js';

export interface FloorRegistry {
  /** host:port, as docker names it. */
  host: string;
  password: string;
  stop(): Promise<void>;
  /** Synchronous, for process exit: ends the registry, leaves its directory. */
  kill(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The status of GET /v2/ over TLS, trusting the stack's CA (0 when nothing answers yet). */
function probe(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/v2/', ca: readFileSync(PATHS.caCert), timeout: 1000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

export async function startFloorRegistry(): Promise<FloorRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-bench-registry-'));
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const htpasswd = join(dir, 'htpasswd');
  // The password reaches htpasswd through stdin, never argv.
  writeFileSync(
    htpasswd,
    execFileSync('htpasswd', ['-niB', 'AWS'], { input: `${password}\n`, encoding: 'utf8' }),
    { mode: 0o600 },
  );
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    JSON.stringify({
      version: 0.1,
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') } },
      http: {
        addr: `127.0.0.1:${port}`,
        secret: randomBytes(16).toString('hex'),
        tls: { certificate: PATHS.serverCert, key: PATHS.serverKey },
      },
      auth: { htpasswd: { realm: 'floor', path: htpasswd } },
    }),
  );
  const log = openSync(join(dir, 'registry.log'), 'a');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', log, log], env });
  closeSync(log);
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const host = `127.0.0.1:${port}`;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) break;
    const status = await probe(port);
    if (status === 401) return { host, password, stop, kill: () => void child.kill('SIGKILL') };
  }
  await stop();
  throw new Error(`the floor's registry on ${host} did not start`);
}
