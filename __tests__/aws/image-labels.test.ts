import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Ecr } from '../../src/aws/ecr.js';
import { readImageLabels } from '../../src/aws/image-labels.js';
import { resolveTarget } from '../../src/aws/registry-host.js';
import { FakeRegistries, sha256 } from '../support/fake-registry.js';
import { instantRetry } from '../support/helpers.js';
import { ACCOUNT, HOST, REGION } from '../support/job.js';

// The registry API answers from the fake, in process (read when a request is made).
vi.mock('../../src/net/transport.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/net/transport.js')>()),
  httpSend: (...args: Parameters<FakeRegistries['send']>) => registry.send(...args),
}));

const ecrMock = mockClient(ECRClient);
const TARGET = resolveTarget(ACCOUNT, 'app', REGION, ACCOUNT);
const LOGIN = { username: 'AWS', password: 'pw' };
const ecr = () => new Ecr(TARGET, { account: ACCOUNT, arn: 'arn' }, instantRetry());
let registry: FakeRegistries;

beforeEach(() => {
  ecrMock.reset();
  registry = new FakeRegistries();
});

describe('aws/image-labels', () => {
  it("an image's labels come from its config blob, read over the registry API", async () => {
    const image = registry.seedImage(HOST, 'app', 'v1', { team: 'platform' });
    expect(await readImageLabels(TARGET, image, LOGIN, ecr())).toEqual({ team: 'platform' });
    expect(registry.log).toEqual([`GET ${HOST}/v2/app/blobs/${image.configDigest} 200`]);
  });

  it('an index: the labels of its first platform image, not of an attestation', async () => {
    const platform = registry.seedImage(HOST, 'app', 'amd64', { team: 'platform' });
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: sha256('attestation'), platform: { os: 'unknown', architecture: 'unknown' } },
        { digest: platform.digest, platform: { os: 'linux', architecture: 'amd64' } },
      ],
    });
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [{ imageId: { imageDigest: platform.digest }, imageManifest: platform.manifest }],
    });
    const stored = {
      digest: sha256(index),
      manifest: index,
      mediaType: 'application/vnd.oci.image.index.v1+json',
    };
    expect(await readImageLabels(TARGET, stored, LOGIN, ecr())).toEqual({ team: 'platform' });
    expect(ecrMock.commandCalls(BatchGetImageCommand)[0]!.args[0].input.imageIds).toEqual([
      { imageDigest: platform.digest },
    ]);
  });

  it('an index whose platform manifest is gone, or an image without config: no labels', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [] });
    const index = JSON.stringify({
      manifests: [{ digest: sha256('gone'), platform: { os: 'linux', architecture: 'arm64' } }],
    });
    expect(
      await readImageLabels(TARGET, { digest: 'sha256:i', manifest: index, mediaType: '' }, LOGIN, ecr()),
    ).toEqual({});
    const bare = JSON.stringify({ schemaVersion: 2, layers: [] });
    expect(
      await readImageLabels(TARGET, { digest: 'sha256:b', manifest: bare, mediaType: '' }, LOGIN, ecr()),
    ).toEqual({});
    expect(registry.log).toEqual([]);
  });
});
