/**
 * The registry backends: one Debian docker-registry (Distribution 2.8) per registry host, plain HTTP
 * on 127.0.0.1 behind the TLS proxy, with htpasswd auth for REGISTRY_USER and filesystem storage
 * that starts empty with each stack (the emulator's repositories do too).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACCOUNTS, PRIVATE_REGISTRY, PUBLIC_BACKEND_PORT, PUBLIC_HOST, REGISTRY_USER } from './topology.js';
import { PATHS } from './paths.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface BackendInfo {
  /** Registry host name the backend serves. */
  host: string;
  port: number;
  pid: number;
  /** Combined-log-format access log, one line per request. */
  accessLog: string;
  /** The registry's own log. */
  log: string;
}

export interface RegistryBackends {
  backends: BackendInfo[];
  stop(): Promise<void>;
}

/** Every ECR registry host with the port of its backend. */
export const BACKEND_PORTS: { host: string; port: number }[] = [
  ...ACCOUNTS.map((a) => ({ host: a.host, port: a.backendPort })),
  { host: PUBLIC_HOST, port: PUBLIC_BACKEND_PORT },
];

/** The private (non-ECR) registry's backend. */
export const PRIVATE_BACKEND = { host: PRIVATE_REGISTRY.host, port: PRIVATE_REGISTRY.backendPort };

/** Credentials of a backend's only user. */
export interface BackendUser {
  user: string;
  password: string;
}

export function newRegistryPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** bcrypt entry from htpasswd; the password goes through stdin, never argv. */
function htpasswdEntry({ user, password }: BackendUser): string {
  return execFileSync('htpasswd', ['-niB', user], {
    input: password + '\n',
    encoding: 'utf8',
  }).trim();
}

function configFor(dir: string, port: number, realm: string, htpasswdFile: string): string {
  // JSON is YAML, and it spares us any quoting rules.
  return JSON.stringify({
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: path.join(dir, 'data') },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
    auth: { htpasswd: { realm, path: htpasswdFile } },
  });
}

function ping(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/v2/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

function tail(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';
}

async function waitUntilReady(child: ChildProcess, port: number, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry on port ${port} exited:\n${tail(log)}`);
    // 401 is the answer of a registry with auth on: it is up and checks credentials.
    if ((await ping(port)) === 401) return;
    await sleep(100);
  }
  throw new Error(`docker-registry on port ${port} did not answer /v2/ with 401 within 15 s:\n${tail(log)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts every backend with fresh storage and waits until each asks for credentials: the ECR ones
 * for REGISTRY_USER with `password`, the private one for its own user.
 */
export async function startRegistries(password: string, privateUser: BackendUser): Promise<RegistryBackends> {
  fs.rmSync(PATHS.registryDir, { recursive: true, force: true });
  fs.mkdirSync(PATHS.registryDir, { recursive: true, mode: 0o700 });
  const htpasswdFile = path.join(PATHS.registryDir, 'htpasswd');
  fs.writeFileSync(htpasswdFile, htpasswdEntry({ user: REGISTRY_USER, password }) + '\n', { mode: 0o600 });
  const privateHtpasswd = path.join(PATHS.registryDir, 'htpasswd-private');
  fs.writeFileSync(privateHtpasswd, htpasswdEntry(privateUser) + '\n', { mode: 0o600 });
  // Distribution reads REGISTRY_* variables as config overrides: keep the caller's out.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));

  const children: ChildProcess[] = [];
  const backends: BackendInfo[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
  };
  try {
    for (const { host, port } of [...BACKEND_PORTS, PRIVATE_BACKEND]) {
      const dir = path.join(PATHS.registryDir, String(port));
      fs.mkdirSync(dir, { recursive: true });
      const config = path.join(dir, 'config.yml');
      const users = host === PRIVATE_BACKEND.host ? privateHtpasswd : htpasswdFile;
      fs.writeFileSync(config, configFor(dir, port, host, users));
      const accessLog = path.join(dir, 'access.log');
      const log = path.join(dir, 'registry.log');
      // Distribution writes the access log to stdout and its own log to stderr.
      const out = fs.openSync(accessLog, 'a');
      const err = fs.openSync(log, 'a');
      const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', out, err], env });
      fs.closeSync(out);
      fs.closeSync(err);
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      backends.push({ host, port, pid: child.pid ?? 0, accessLog, log });
    }
    await Promise.all(backends.map((b, i) => waitUntilReady(children[i]!, b.port, b.log)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { backends, stop };
}
