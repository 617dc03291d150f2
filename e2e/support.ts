/**
 * What the e2e tests share: the stack's env and control client, registry look-ups, a docker runner.
 *
 * Engines: the stack runs two Docker engines (test/stack/engines.ts). `classic` (Docker 20.10,
 * classic image store) is the default of every helper and of a job run with `stackEnv()`;
 * `containerd` (Docker 26.1, containerd image store: multi-platform builds, registry/local cache,
 * attestations with the `docker` driver) is picked by DOCKER_HOST: run a job on it with
 * `env: stackEnvOn('containerd')`, and docker commands with `dockerAsUser(args, 'containerd')`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackClient } from '../test/stack/client.js';
import { dockerHost, engineByName, type EngineName } from '../test/stack/engines.js';
import { type PrivateRegistryInfo, readStackEnv, readStackState, type StackEnv } from '../test/stack/env.js';
import { CreateRepositoryCommand, ECRClient, type ImageTagMutability } from '@aws-sdk/client-ecr';
import { ACCOUNTS, STATIC_KEYS } from '../test/stack/topology.js';

export const ACCOUNT = ACCOUNTS[0]!;
export const HOST = ACCOUNT.host;
export const ROLE = 'arn:aws:iam::123456789012:role/gha-ecr-push';
/**
 * A role holding exactly amazon-ecr-login's documented push/pull policy (topology's PUSH_PULL_POLICY:
 * GetAuthorizationToken, and BatchGetImage, BatchCheckLayerAvailability, CompleteLayerUpload,
 * GetDownloadUrlForLayer, InitiateLayerUpload, PutImage, UploadLayerPart on every repository of
 * ACCOUNT in its region). Anything else (DescribeRepositories, DescribeImages, ListImages,
 * CreateRepository, scans, ECR Public) answers AccessDeniedException, so a test using it creates its
 * repository first (`createRepository`). `client.setRolePolicy(arn, statements)` replaces any role's
 * policy until `client.reset()`. The registry itself does not check permissions.
 */
export const PUSH_PULL_ROLE = 'arn:aws:iam::123456789012:role/gha-ecr-push-pull';
/**
 * The stack's control API: faults, request logs (`getLog`, `proxyLog`), role policies
 * (`setRolePolicy`), OIDC claims, scan findings, Actions cache entries, registry counters, and
 * added latency (`setLatency(20)`: every registry request and AWS call 20 ms slower). `reset()`
 * clears all of them but repositories' registry content and cache entries.
 */
export const client = new StackClient();

export function stackEnv(): Record<string, string> {
  const env: StackEnv | undefined = readStackEnv();
  if (!env) throw new Error('the local stack is not running (e2e/global-setup.ts should have started it)');
  return { ...env };
}

/** The stack env with DOCKER_HOST set to one engine: what a job on that engine's runner sees. */
export function stackEnvOn(engine: EngineName): Record<string, string> {
  return { ...stackEnv(), DOCKER_HOST: dockerHost(engineByName(engine)) };
}

export function registryPassword(): string {
  return readStackState()!.registryPassword;
}

/** A repository name no other test uses. */
export function uniqueRepo(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The digest the real registry serves for REPO:TAG (straight from the backend, not through the emulator). */
export async function registryDigest(
  repo: string,
  tag: string,
  backendPort = ACCOUNT.backendPort,
): Promise<string | undefined> {
  const auth = Buffer.from(`AWS:${registryPassword()}`).toString('base64');
  const res = await fetch(`http://127.0.0.1:${backendPort}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Authorization: `Basic ${auth}`, Accept: ACCEPT },
  });
  return res.ok ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/** Credentials for one `docker login`. */
export interface Login {
  host: string;
  user: string;
  password: string;
}

/** The stack's ECR registry (ACCOUNT) as a plain docker login. */
export function ecrLogin(host = HOST): Login {
  return { host, user: 'AWS', password: registryPassword() };
}

/**
 * The private, non-ECR registry (`registry.octo.example`, basic auth, its own user and password):
 * `baseImage` is a runnable busybox image (linux/amd64) only a logged-in client can pull, for
 * "logins made before the step" (`FROM ${privateRegistry().baseImage}`). RUN steps need
 * `network: none` on both engines (no bridge here).
 */
export function privateRegistry(): PrivateRegistryInfo & { login: Login } {
  const info = readStackState()!.privateRegistry;
  return { ...info, login: { host: info.host, user: info.user, password: info.password } };
}

/**
 * A fresh DOCKER_CONFIG directory logged in (with `docker login --password-stdin`) to each
 * registry: what docker/login-action leaves behind before a step. Pass it as the job's
 * DOCKER_CONFIG (or as HOME/.docker).
 */
export function dockerConfigWith(logins: Login[], engine: EngineName = 'classic'): string {
  const config = mkdtempSync(join(tmpdir(), 'ebp-user-docker-'));
  const env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: dockerHost(engineByName(engine)) };
  for (const { host, user, password } of logins) {
    execFileSync('docker', ['login', '-u', user, '--password-stdin', host], {
      input: password,
      env,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  }
  return config;
}

/** Runs docker on an engine (classic by default) with a config of its own, logged in to the stack's registry. */
export function dockerAsUser(args: string[], engine: EngineName = 'classic'): { code: number; out: string } {
  const config = dockerConfigWith([ecrLogin()], engine);
  const env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: dockerHost(engineByName(engine)) };
  const r = spawnSync('docker', args, { env, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/**
 * Env of a job that has the Actions cache service: ACTIONS_CACHE_URL and ACTIONS_RUNTIME_TOKEN of
 * the stack's stand-in, which speaks the REST protocol @actions/cache 6.x uses when
 * ACTIONS_CACHE_SERVICE_V2 is unset (the runner env sets no V2 variable). What the toolkit did:
 * `client.getLog()` entries with service `cache` (lookup, reserve, upload, commit, download) and
 * `client.cacheEntries()` (key, version, size, committed, downloads). Faults: `cache:<operation>`.
 */
export function cacheServiceEnv(): Record<string, string> {
  const { CACHE_SERVICE_URL, CACHE_SERVICE_TOKEN } = readStackState()!.env;
  return { ACTIONS_CACHE_URL: CACHE_SERVICE_URL, ACTIONS_RUNTIME_TOKEN: CACHE_SERVICE_TOKEN };
}

/**
 * Env that sends a job's traffic through the stack's logging forward proxy (upper- and lower-case
 * variables, as runners set them); `client.proxyLog()` then lists each request (CONNECT host:port
 * for HTTPS, the absolute URL for HTTP; `client.reset()` clears it). Docker's daemons never use it.
 */
export function proxyEnv(noProxy?: string): Record<string, string> {
  const url = readStackState()!.env.FORWARD_PROXY_URL;
  const env: Record<string, string> = {
    HTTPS_PROXY: url,
    HTTP_PROXY: url,
    https_proxy: url,
    http_proxy: url,
  };
  return noProxy === undefined ? env : { ...env, NO_PROXY: noProxy, no_proxy: noProxy };
}

/** Every file under a directory (recursive), for leak scans. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function readAll(paths: string[]): string {
  return paths.map((p) => readFileSync(p, 'latin1')).join('\n');
}

/** Stack env + the inputs every push test shares. */
export function baseInputs(repo: string, context: string): Record<string, string> {
  return {
    'role-to-assume': ROLE,
    'aws-region': ACCOUNT.region,
    repository: repo,
    context,
    'create-repository': 'true',
  };
}

/** Creates a repository in ACCOUNT with the static keys (a role without CreateRepository needs one). */
export async function createRepository(
  name: string,
  settings: { imageTagMutability?: ImageTagMutability } = {},
): Promise<void> {
  const ecr = new ECRClient({
    region: ACCOUNT.region,
    endpoint: stackEnv().AWS_ENDPOINT_URL_ECR,
    credentials: STATIC_KEYS,
  });
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: name, ...settings }));
  } finally {
    ecr.destroy();
  }
}
