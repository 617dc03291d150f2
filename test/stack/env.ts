/**
 * Starting, finding and stopping the local stack from another process: the CLI, the e2e suite and
 * the demo. The daemon (daemon.ts) runs detached; it announces itself by writing the state file once
 * every server listens, and this module checks that each one answers before handing out the env.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLASSIC_ENGINE,
  CONTAINERD_ENGINE,
  type Engine,
  ENGINES,
  dockerHost,
  loginThroughEngine,
} from './engines.js';
import { PATHS, REPO_ROOT } from './paths.js';
import type { BackendInfo } from './registry.js';
import { CLASSIC_ENGINE_RECORD, removeTrust, TLS_HOSTS } from './tls.js';
import { REGISTRY_USER } from './topology.js';

/** The environment a job needs to run the action against the stack. */
export interface StackEnv {
  AWS_ENDPOINT_URL_STS: string;
  AWS_ENDPOINT_URL_ECR: string;
  AWS_ENDPOINT_URL_ECR_PUBLIC: string;
  ACTIONS_ID_TOKEN_REQUEST_URL: string;
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: string;
  AWS_REGION: string;
  NODE_EXTRA_CA_CERTS: string;
  /** DOCKER_HOST of the classic engine (Docker 20.10, classic image store): the default engine. */
  CLASSIC_DOCKER_HOST: string;
  /** DOCKER_HOST of the containerd engine (Docker 26.1, containerd image store). */
  CONTAINERD_DOCKER_HOST: string;
  /** The logging forward proxy (HTTP and CONNECT): a job behind a proxy sets HTTPS_PROXY to it. */
  FORWARD_PROXY_URL: string;
  /**
   * The Actions cache stand-in (REST protocol of @actions/cache) and its runtime token: a job with a
   * cache service sets them as ACTIONS_CACHE_URL and ACTIONS_RUNTIME_TOKEN (e2e: cacheServiceEnv()).
   */
  CACHE_SERVICE_URL: string;
  CACHE_SERVICE_TOKEN: string;
}

/** The private (non-ECR) registry: basic auth, a base image only a logged-in client can pull. */
export interface PrivateRegistryInfo {
  host: string;
  user: string;
  password: string;
  /** Full reference of the private base image (busybox, linux/amd64). */
  baseImage: string;
}

/** The engine variables of StackEnv, for the daemon to fill in. */
export function engineEnv(): Pick<StackEnv, 'CLASSIC_DOCKER_HOST' | 'CONTAINERD_DOCKER_HOST'> {
  return {
    CLASSIC_DOCKER_HOST: dockerHost(CLASSIC_ENGINE),
    CONTAINERD_DOCKER_HOST: dockerHost(CONTAINERD_ENGINE),
  };
}

/** `.stack/state.json`, written by the daemon when it is ready. */
export interface StackState {
  pid: number;
  startedAt: string;
  /** Password of REGISTRY_USER on every backend (ECR tokens decode to AWS:<password>). */
  registryPassword: string;
  oidcRequestToken: string;
  caCert: string;
  registryHosts: string[];
  ports: { aws: number; oidc: number; registry: number; forwardProxy: number; cache: number };
  privateRegistry: PrivateRegistryInfo;
  backends: BackendInfo[];
  env: StackEnv;
}

export interface Prerequisites {
  root: boolean;
  /** What is absent, in words a person can act on; empty when the stack can start. */
  missing: string[];
}

/** The same list as install.sh's. */
const PACKAGES = [
  'docker.io',
  'docker-registry',
  'busybox-static',
  'openssl',
  'apache2-utils',
  'ca-certificates',
];
const BUILDX_PLUGIN = '/usr/libexec/docker/cli-plugins/docker-buildx';
const LOCK_FILE = `${PATHS.stateDir}/up.lock`;

/** A killed daemon can linger as a zombie until init reaps it: that counts as dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !/^\d+ \(.*\) Z/.test(readFileOr(`/proc/${pid}/stat`, ''));
}

function readFileOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The state of the running daemon; undefined when the stack is down (or not ready yet). */
export function readStackState(): StackState | undefined {
  const state = readJson<StackState>(PATHS.stateFile);
  return state && isAlive(state.pid) ? state : undefined;
}

/** The env of the running stack, without starting anything. */
export function readStackEnv(): StackEnv | undefined {
  return readStackState()?.env;
}

/** Writes state.json, env.json and env.sh (the daemon calls it once every server listens). */
export function writeStackFiles(state: StackState): void {
  fs.writeFileSync(PATHS.envJson, JSON.stringify(state.env, null, 2) + '\n', { mode: 0o600 });
  fs.writeFileSync(PATHS.envSh, formatEnv(state.env), { mode: 0o600 });
  // Last: its presence means ready.
  fs.writeFileSync(PATHS.stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

export function removeStackFiles(): void {
  for (const file of [PATHS.stateFile, PATHS.envJson, PATHS.envSh]) fs.rmSync(file, { force: true });
}

/** The env as shell `export` lines (what env.sh holds and `stack:up` prints). */
export function formatEnv(env: StackEnv): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'\n`)
    .join('');
}

/** What the stack needs from the machine, and whether we may install it. */
export function checkPrerequisites(): Prerequisites {
  const root = process.getuid?.() === 0;
  const missing: string[] = [];
  // dpkg-query exits 1 when a package is unknown but still lists the others.
  const installed =
    spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...PACKAGES], {
      encoding: 'utf8',
    }).stdout ?? '';
  for (const pkg of PACKAGES) {
    if (!installed.includes(`${pkg} install ok installed`)) missing.push(`Debian package ${pkg}`);
  }
  if (!fs.existsSync(BUILDX_PLUGIN)) missing.push(`docker buildx (${BUILDX_PLUGIN})`);
  const answers = (engine: Engine) =>
    spawnSync('docker', ['info'], {
      stdio: 'ignore',
      timeout: 15_000,
      env: { ...process.env, DOCKER_HOST: dockerHost(engine) },
    }).status === 0;
  if (!missing.some((m) => m.includes('docker.io'))) {
    for (const engine of ENGINES.filter((e) => !answers(e)))
      missing.push(`a running ${engine.name} Docker engine at ${engine.socket} (that this user may use)`);
  }
  const classicPid = readFileOr('/var/run/docker.pid', '').trim();
  if (readFileOr(CLASSIC_ENGINE_RECORD, '').trim() !== `${classicPid} ${TLS_HOSTS.join(' ')}`)
    missing.push("a classic dockerd started after the stack hosts' /etc/docker/certs.d directories");
  return { root, missing };
}

function install(): void {
  const result = spawnSync('bash', [PATHS.installScript], { stdio: ['ignore', 2, 2] });
  if (result.status !== 0)
    throw new Error(`${PATHS.installScript} failed (exit ${result.status ?? result.signal})`);
}

function probe(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { timeout: 2000, ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Every engine logs in to every registry host: the daemon itself resolves the name, trusts the CA and
 * passes auth (see engines.ts for why a probe from this process is not enough).
 */
function engineChecks(state: StackState): Promise<string | undefined>[] {
  const { privateRegistry: priv } = state;
  const logins = [
    ...state.registryHosts.map((host) => ({ host, user: REGISTRY_USER, password: state.registryPassword })),
    { host: priv.host, user: priv.user, password: priv.password },
  ];
  return ENGINES.flatMap((engine) =>
    logins.map(async ({ host, user, password }) => {
      const login = await loginThroughEngine(engine, host, user, password);
      return login.ok ? undefined : `${engine.name} engine → ${host}: ${login.message}`;
    }),
  );
}

/** The servers of a running stack that do not answer as they should; empty when all do. */
export async function unhealthyServers(state: StackState): Promise<string[]> {
  const ca = fs.readFileSync(state.caCert);
  const engines = Promise.all(engineChecks(state));
  const checks: [string, Promise<boolean>][] = [
    // Through /etc/hosts, TLS and the proxy to each backend: 401 is a registry asking for credentials.
    ...state.registryHosts.map((host): [string, Promise<boolean>] => [
      `registry https://${host}`,
      probe(`https://${host}:${state.ports.registry}/v2/`, ca).then((s) => s === 401),
    ]),
    [`AWS emulator :${state.ports.aws}`, probe(`http://127.0.0.1:${state.ports.aws}/`).then((s) => s > 0)],
    [
      `Actions cache :${state.ports.cache}`,
      probe(`http://127.0.0.1:${state.ports.cache}/_apis/artifactcache/cache?keys=k&version=v`).then(
        (s) => s === 401,
      ),
    ],
    [
      `forward proxy :${state.ports.forwardProxy}`,
      probe(`http://127.0.0.1:${state.ports.forwardProxy}/`).then((s) => s === 400),
    ],
    [
      `OIDC issuer :${state.ports.oidc}`,
      probe(`http://127.0.0.1:${state.ports.oidc}/.well-known/openid-configuration`).then((s) => s === 200),
    ],
  ];
  const results = await Promise.all(checks.map(([, ok]) => ok));
  const failing = checks.filter((_, i) => !results[i]).map(([name]) => name);
  return [...failing, ...(await engines).filter((f): f is string => f !== undefined)];
}

function tryLock(): boolean {
  try {
    fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(PATHS.stateDir, { recursive: true });
  const deadline = Date.now() + 180_000;
  while (!tryLock()) {
    // 0: released (or not written yet) since tryLock looked; try again.
    const holder = Number(readFileOr(LOCK_FILE, '0'));
    if (holder > 0 && !isAlive(holder)) fs.rmSync(LOCK_FILE, { force: true });
    else if (Date.now() > deadline) throw new Error(`another process (${holder}) holds ${LOCK_FILE}`);
    else await sleep(200);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK_FILE, { force: true });
  }
}

function tail(file: string, lines = 30): string {
  return readFileOr(file, '').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Kills what a dead daemon left behind, checking that each pid is still one of ours. */
function killLeftovers(): void {
  const state = readJson<StackState>(PATHS.stateFile);
  for (const backend of state?.backends ?? []) {
    const cmdline = readFileOr(`/proc/${backend.pid}/cmdline`, '');
    if (cmdline.includes('docker-registry') && cmdline.includes(PATHS.registryDir))
      process.kill(backend.pid, 'SIGKILL');
  }
}

function daemonPid(): number | undefined {
  const pid = Number(readJson<number>(PATHS.pidFile));
  return pid > 0 && isAlive(pid) ? pid : undefined;
}

async function waitUntilHealthy(state: StackState, deadline: number): Promise<void> {
  let failing = await unhealthyServers(state);
  while (failing.length > 0 && Date.now() < deadline) {
    await sleep(250);
    failing = await unhealthyServers(state);
  }
  if (failing.length > 0)
    throw new Error(`the local stack is up but these do not answer: ${failing.join(', ')}`);
}

async function startDaemon(): Promise<StackState> {
  killLeftovers();
  removeStackFiles();
  const log = fs.openSync(PATHS.daemonLog, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', `${REPO_ROOT}/test/stack/daemon.ts`], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Error('could not start the stack daemon');
  let exited = false;
  child.once('exit', () => (exited = true));
  fs.writeFileSync(PATHS.pidFile, `${pid}\n`);

  const deadline = Date.now() + 90_000;
  for (;;) {
    const state = readJson<StackState>(PATHS.stateFile);
    if (state?.pid === pid) {
      await waitUntilHealthy(state, deadline);
      return state;
    }
    if (exited) {
      fs.rmSync(PATHS.pidFile, { force: true });
      throw new Error(`the stack daemon exited during start-up:\n${tail(PATHS.daemonLog)}`);
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGTERM');
      throw new Error(`the stack daemon was not ready within 90 s:\n${tail(PATHS.daemonLog)}`);
    }
    await sleep(100);
  }
}

/**
 * Starts the stack unless it runs already, installing the Debian pieces first when run as root and
 * something is missing. Throws, saying what is missing, when it cannot start.
 */
export async function ensureStackUp(): Promise<StackEnv> {
  const running = readStackState();
  if (running) return healthyEnv(running);
  const { root, missing } = checkPrerequisites();
  if (!root) {
    const needs = missing.length ? `; it also needs ${missing.join(', ')}` : '';
    throw new Error(
      `the local stack must run as root (port 443, /etc/hosts, Docker's CA directory)${needs}. ` +
        'As root, `npm run stack:up` installs what is missing (test/stack/install.sh).',
    );
  }
  return withLock(async () => {
    // Another process may have started it while this one waited for the lock.
    const started = readStackState();
    if (started) return healthyEnv(started);
    if (missing.length > 0) install();
    return (await startDaemon()).env;
  });
}

async function healthyEnv(state: StackState): Promise<StackEnv> {
  await waitUntilHealthy(state, Date.now() + 30_000);
  return state.env;
}

/** Stops the daemon (which stops the registries) and removes the /etc/hosts lines and CA files. */
export async function stopStack(): Promise<void> {
  await withLock(async () => {
    const pid = daemonPid();
    if (pid) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 15_000;
      while (isAlive(pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    killLeftovers();
    removeStackFiles();
    fs.rmSync(PATHS.pidFile, { force: true });
    if (process.getuid?.() === 0) removeTrust();
  });
}
