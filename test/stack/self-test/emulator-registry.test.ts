/**
 * ECR image operations of the emulator against a real docker-registry (Distribution) started here on a
 * free port: what the registry stores is what DescribeImages / BatchGetImage see, and PutImage writes
 * real tags. Images are pushed through the registry API directly, so Docker is not needed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  ECRClient,
  ListImagesCommand,
  PutImageCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateRepositoryCommand as CreatePublicRepositoryCommand,
  DescribeImageTagsCommand,
  ECRPUBLICClient,
} from '@aws-sdk/client-ecr-public';
import { type AwsEmulator, startAwsEmulator } from '../aws/server.js';
import { StackClient } from '../client.js';
import { MEDIA_TYPES, RegistryClient } from '../registry-client.js';
import { onManifestPushed } from '../state.js';
import { ACCOUNTS, PUBLIC_ALIAS, PUBLIC_HOST, REGISTRY_USER, STATIC_KEYS } from '../topology.js';

const REGISTRY_BINARY = '/usr/bin/docker-registry';
const PASSWORD = 'registry-password-for-tests';
const ACCOUNT = ACCOUNTS[0]!;

const digestOf = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dir: string;
let registry: ChildProcess;
let registryPort: number;
let emulator: AwsEmulator;
let control: StackClient;
let client: ECRClient;

async function startRegistry(): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-registry-'));
  const htpasswd = execFileSync('htpasswd', ['-niB', REGISTRY_USER], {
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
  });
  fs.writeFileSync(path.join(dir, 'htpasswd'), htpasswd);
  registryPort = await freePort();
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    JSON.stringify({
      version: 0.1,
      log: { level: 'error' },
      storage: { filesystem: { rootdirectory: path.join(dir, 'data') } },
      http: { addr: `127.0.0.1:${registryPort}` },
      auth: { htpasswd: { realm: 'test', path: path.join(dir, 'htpasswd') } },
    }),
  );
  registry = spawn(REGISTRY_BINARY, ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${registryPort}/v2/`).then(
      (r) => r.status === 401,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('docker-registry did not start');
}

const auth = { authorization: 'Basic ' + Buffer.from(`${REGISTRY_USER}:${PASSWORD}`).toString('base64') };

async function pushBlob(repository: string, content: Buffer): Promise<{ digest: string; size: number }> {
  const base = `http://127.0.0.1:${registryPort}`;
  const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth });
  expect(start.status).toBe(202);
  const location = new URL(start.headers.get('location')!, base);
  const digest = digestOf(content);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: content,
  });
  expect(put.status).toBe(201);
  return { digest, size: content.length };
}

/** Pushes a one-layer OCI image the way docker would: blobs, then the manifest by tag (or by digest). */
async function pushImage(repository: string, tag: string | undefined, layerText: string) {
  const layer = await pushBlob(repository, Buffer.from(layerText));
  const config = await pushBlob(
    repository,
    Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    ),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  });
  const digest = await new RegistryClient(registryPort, PASSWORD).putManifest(
    repository,
    tag ?? digestOf(manifest),
    Buffer.from(manifest),
    MEDIA_TYPES.ociManifest,
  );
  return { manifest, digest, layerSize: layer.size };
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

// Part of the e2e suite: the local stack (test/stack/install.sh) guarantees Debian's docker-registry.
describe('ECR images on a real docker-registry', () => {
  beforeAll(async () => {
    await startRegistry();
    emulator = await startAwsEmulator({
      port: 0,
      jwksUrl: 'http://127.0.0.1:9/unused',
      issuer: 'http://127.0.0.1:9',
      registryPassword: PASSWORD,
      backendPorts: { [ACCOUNT.host]: registryPort, [PUBLIC_HOST]: registryPort },
    });
    control = new StackClient(emulator.url);
    await control.reset();
    client = new ECRClient({
      endpoint: emulator.url,
      region: ACCOUNT.region,
      maxAttempts: 1,
      credentials: STATIC_KEYS,
    });
  });

  afterAll(async () => {
    await emulator?.close();
    registry?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('describes, lists and fetches what the registry stores', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    const pushed = await pushImage('app', 'v1', 'layer one');

    const { imageDetails } = await client.send(new DescribeImagesCommand({ repositoryName: 'app' }));
    expect(imageDetails).toHaveLength(1);
    expect(imageDetails![0]).toMatchObject({
      registryId: ACCOUNT.id,
      repositoryName: 'app',
      imageDigest: pushed.digest,
      imageTags: ['v1'],
      imageSizeInBytes: pushed.layerSize,
      imageManifestMediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: 'application/vnd.oci.image.config.v1+json',
    });
    expect(imageDetails![0]!.imagePushedAt).toBeInstanceOf(Date);
    const layerDigest = JSON.parse(pushed.manifest).layers[0].digest;
    expect(await new RegistryClient(registryPort, PASSWORD).blobSize('app', layerDigest)).toBe(
      pushed.layerSize,
    );

    const byTag = await client.send(
      new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(byTag.imageDetails![0]!.imageDigest).toBe(pushed.digest);
    const missing = await errorOf(
      client.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v9' }] })),
    );
    expect(missing.name).toBe('ImageNotFoundException');
    expect(missing.message).toBe(
      `The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'app' in the registry with id '${ACCOUNT.id}'`,
    );

    const got = await client.send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'v1' }, { imageTag: 'nope' }],
      }),
    );
    expect(got.images![0]).toMatchObject({
      imageId: { imageDigest: pushed.digest, imageTag: 'v1' },
      imageManifest: pushed.manifest,
      imageManifestMediaType: MEDIA_TYPES.ociManifest,
    });
    expect(got.failures).toEqual([
      {
        imageId: { imageTag: 'nope' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
    ]);
  });

  it('re-tags with PutImage and refuses what ECR refuses', async () => {
    await client.send(
      new CreateRepositoryCommand({ repositoryName: 'locked', imageTagMutability: 'IMMUTABLE' }),
    );
    const first = await pushImage('locked', 'sha-1', 'first layer');
    const second = await pushImage('locked', 'sha-2', 'second layer');

    const put = await client.send(
      new PutImageCommand({ repositoryName: 'locked', imageManifest: first.manifest, imageTag: 'v1.0.0' }),
    );
    expect(put.image?.imageId).toEqual({ imageDigest: first.digest, imageTag: 'v1.0.0' });
    expect((await new RegistryClient(registryPort, PASSWORD).headManifest('locked', 'v1.0.0'))?.digest).toBe(
      first.digest,
    );

    const same = await errorOf(
      client.send(
        new PutImageCommand({ repositoryName: 'locked', imageManifest: first.manifest, imageTag: 'v1.0.0' }),
      ),
    );
    expect(same.name).toBe('ImageAlreadyExistsException');
    const moved = await errorOf(
      client.send(
        new PutImageCommand({ repositoryName: 'locked', imageManifest: second.manifest, imageTag: 'v1.0.0' }),
      ),
    );
    expect(moved.name).toBe('ImageTagAlreadyExistsException');
    expect(moved.message).toContain("The image tag 'v1.0.0' already exists in the 'locked' repository");
    const wrongDigest = await errorOf(
      client.send(
        new PutImageCommand({
          repositoryName: 'locked',
          imageManifest: first.manifest,
          imageTag: 'v2',
          imageDigest: second.digest,
        }),
      ),
    );
    expect(wrongDigest.name).toBe('ImageDigestDoesNotMatchException');

    const { imageIds } = await client.send(new ListImagesCommand({ repositoryName: 'locked' }));
    expect(imageIds).toEqual(
      expect.arrayContaining([
        { imageDigest: first.digest, imageTag: 'sha-1' },
        { imageDigest: first.digest, imageTag: 'v1.0.0' },
        { imageDigest: second.digest, imageTag: 'sha-2' },
      ]),
    );
    expect(imageIds).toHaveLength(3);
  });

  it('re-tags an image while it is read: no read meets a link the registry is rewriting', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'busy' }));
    const image = await pushImage('busy', 'v1', 'busy layer');
    const registry = new RegistryClient(registryPort, PASSWORD);
    // Every PutImage rewrites the revision link of the digest, which a read of the digest and a
    // read of the other tag go through: unordered, some of these answer HTTP 500.
    for (let round = 0; round < 3; round++) {
      const puts = Array.from({ length: 10 }, (_, i) =>
        client.send(
          new PutImageCommand({
            repositoryName: 'busy',
            imageManifest: image.manifest,
            imageTag: `r${round}-${i}`,
          }),
        ),
      );
      const reads = Array.from({ length: 10 }, () => [
        registry.headManifest('busy', image.digest),
        registry.getManifest('busy', 'v1'),
      ]).flat();
      const failed = (await Promise.allSettled([...puts, ...reads])).flatMap((s) =>
        s.status === 'rejected' ? [String(s.reason)] : [],
      );
      expect(failed).toEqual([]);
    }
  });

  it('lists the manifests of an index as untagged images', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'multi' }));
    const amd = await pushImage('multi', undefined, 'amd64 layer');
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: amd.digest,
          size: amd.manifest.length,
          platform: { architecture: 'amd64', os: 'linux' },
        },
      ],
    });
    await client.send(
      new PutImageCommand({ repositoryName: 'multi', imageManifest: index, imageTag: 'latest' }),
    );
    const tagged = await client.send(
      new DescribeImagesCommand({ repositoryName: 'multi', filter: { tagStatus: 'TAGGED' } }),
    );
    expect(tagged.imageDetails).toHaveLength(1);
    expect(tagged.imageDetails![0]).toMatchObject({
      imageDigest: digestOf(index),
      imageTags: ['latest'],
      imageManifestMediaType: MEDIA_TYPES.ociIndex,
      imageSizeInBytes: amd.layerSize,
    });
    const untagged = await client.send(
      new ListImagesCommand({ repositoryName: 'multi', filter: { tagStatus: 'UNTAGGED' } }),
    );
    expect(untagged.imageIds).toEqual([{ imageDigest: amd.digest }]);
  });

  it('scans on push and reports seeded findings after one IN_PROGRESS poll', async () => {
    await client.send(
      new CreateRepositoryCommand({
        repositoryName: 'scanned',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    await control.seedFindings({ repository: 'scanned', counts: { CRITICAL: 1, HIGH: 2 } });
    const pushed = await pushImage('scanned', 'v1', 'vulnerable layer');
    // The registry proxy calls this after a manifest PUT; here the test pushes to the backend directly.
    onManifestPushed(ACCOUNT.host, 'scanned', 'v1', pushed.digest);

    const poll = () =>
      client.send(
        new DescribeImageScanFindingsCommand({ repositoryName: 'scanned', imageId: { imageTag: 'v1' } }),
      );
    expect((await poll()).imageScanStatus?.status).toBe('IN_PROGRESS');
    const done = await poll();
    expect(done.imageScanStatus?.status).toBe('COMPLETE');
    expect(done.imageScanFindings?.findingSeverityCounts).toEqual({ CRITICAL: 1, HIGH: 2 });
    expect(done.imageScanFindings?.findings).toHaveLength(3);

    const described = await client.send(new DescribeImagesCommand({ repositoryName: 'scanned' }));
    expect(described.imageDetails![0]!.imageScanFindingsSummary?.findingSeverityCounts).toEqual({
      CRITICAL: 1,
      HIGH: 2,
    });

    const again = await errorOf(
      client.send(
        new StartImageScanCommand({ repositoryName: 'scanned', imageId: { imageDigest: pushed.digest } }),
      ),
    );
    expect(again.name).toBe('LimitExceededException');
  });

  it('starts scans on demand and reports unsupported images and missing scans', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'manual' }));
    await control.seedFindings({ repository: 'manual', counts: {}, status: 'UNSUPPORTED_IMAGE' });
    await pushImage('manual', 'v1', 'scratch layer');
    const imageId = { imageTag: 'v1' };

    const never = await errorOf(
      client.send(new DescribeImageScanFindingsCommand({ repositoryName: 'manual', imageId })),
    );
    expect(never.name).toBe('ScanNotFoundException');

    const started = await client.send(new StartImageScanCommand({ repositoryName: 'manual', imageId }));
    expect(started.imageScanStatus?.status).toBe('IN_PROGRESS');
    await client.send(new DescribeImageScanFindingsCommand({ repositoryName: 'manual', imageId }));
    const done = await client.send(
      new DescribeImageScanFindingsCommand({ repositoryName: 'manual', imageId }),
    );
    expect(done.imageScanStatus?.status).toBe('UNSUPPORTED_IMAGE');
    expect(done.imageScanFindings).toBeUndefined();
  });

  it('serves ECR Public images from the alias path of the backend', async () => {
    const pub = new ECRPUBLICClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: STATIC_KEYS,
    });
    await pub.send(new CreatePublicRepositoryCommand({ repositoryName: 'tool' }));
    const pushed = await pushImage(`${PUBLIC_ALIAS}/tool`, 'v1', 'public layer');
    const { imageTagDetails } = await pub.send(new DescribeImageTagsCommand({ repositoryName: 'tool' }));
    expect(imageTagDetails).toEqual([
      expect.objectContaining({
        imageTag: 'v1',
        imageDetail: expect.objectContaining({ imageDigest: pushed.digest }),
      }),
    ]);
  });
});
