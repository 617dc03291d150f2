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
import { readStackEnv, readStackState, type StackEnv } from '../test/stack/env.js';
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

/** Runs docker on an engine (classic by default) with a config of its own, logged in to the stack's registry. */
export function dockerAsUser(args: string[], engine: EngineName = 'classic'): { code: number; out: string } {
  const config = mkdtempSync(join(tmpdir(), 'ebp-user-docker-'));
  const env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: dockerHost(engineByName(engine)) };
  execFileSync('docker', ['login', '-u', 'AWS', '--password-stdin', HOST], {
    input: registryPassword(),
    env,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const r = spawnSync('docker', args, { env, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
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
