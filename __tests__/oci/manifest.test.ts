import { describe, expect, it } from 'vitest';
import type { StoredImage } from '../../src/types/registry.js';
import { MEDIA_TYPES } from '../../src/oci/media-types.js';
import { manifestSize, platformDigests, storedImageMetadata } from '../../src/oci/manifest.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

function index(manifests: unknown[]): StoredImage {
  return {
    digest: d('0'),
    manifest: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES[0], manifests }),
    mediaType: MEDIA_TYPES[0]!,
  };
}

describe('platformDigests', () => {
  const rows: [string, StoredImage, Record<string, string>][] = [
    [
      'single manifest → the fallback platform',
      {
        digest: d('a'),
        manifest: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES[2], layers: [] }),
        mediaType: MEDIA_TYPES[2]!,
      },
      { 'linux/amd64': d('a') },
    ],
    [
      'multi-platform index',
      index([
        { digest: d('1'), platform: { os: 'linux', architecture: 'amd64' } },
        { digest: d('2'), platform: { os: 'linux', architecture: 'arm64' } },
        { digest: d('3'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      ]),
      { 'linux/amd64': d('1'), 'linux/arm64': d('2'), 'linux/arm/v7': d('3') },
    ],
    [
      'attestation entries (unknown/unknown) left out',
      index([
        { digest: d('1'), platform: { os: 'linux', architecture: 'amd64' } },
        {
          digest: d('9'),
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': d('1'),
          },
        },
      ]),
      { 'linux/amd64': d('1') },
    ],
    [
      'entries without a platform left out',
      index([{ digest: d('1') }, { digest: d('2'), platform: { os: 'windows', architecture: 'amd64' } }]),
      { 'windows/amd64': d('2') },
    ],
    ['empty index', index([]), {}],
  ];
  it.each(rows)('%s', (_name, image, expected) => {
    expect(platformDigests(image, 'linux/amd64')).toEqual(expected);
  });
});

describe('manifestSize', () => {
  it.each([
    ['config and layers add up', { config: { size: 100 }, layers: [{ size: 1000 }, { size: 24 }] }, 1124],
    ['no layers', { config: { size: 7 }, layers: [] }, 7],
    ['an index has no single size', { manifests: [{ digest: 'sha256:x' }] }, undefined],
  ])('%s', (_name, manifest, size) => {
    expect(manifestSize(JSON.stringify(manifest))).toBe(size);
  });
});

describe('storedImageMetadata: imageid and metadata of an image already in the registry', () => {
  const CONFIG = d('c');
  const DIGEST = d('d');
  const NAMES = ['host/app:v1', 'host/app:latest'];
  it.each([
    [
      'an image manifest: the config digest is the image id',
      { mediaType: MEDIA_TYPES[2]!, manifest: JSON.stringify({ config: { digest: CONFIG }, layers: [] }) },
      CONFIG,
      { 'containerimage.config.digest': CONFIG },
    ],
    [
      'an index: the index digest, as buildx reports it',
      { mediaType: MEDIA_TYPES[0]!, manifest: JSON.stringify({ manifests: [{ digest: CONFIG }] }) },
      DIGEST,
      {},
    ],
    ['a manifest that is no JSON: the digest', { mediaType: MEDIA_TYPES[2]!, manifest: '{oops' }, DIGEST, {}],
  ])('%s', (_name, image, imageId, extra) => {
    const out = storedImageMetadata({ digest: DIGEST, ...image }, NAMES);
    expect(out.imageId).toBe(imageId);
    expect(JSON.parse(out.metadata)).toEqual({
      'containerimage.descriptor': {
        mediaType: image.mediaType,
        digest: DIGEST,
        size: Buffer.byteLength(image.manifest),
      },
      'containerimage.digest': DIGEST,
      'image.name': 'host/app:v1,host/app:latest',
      ...extra,
    });
  });
});
