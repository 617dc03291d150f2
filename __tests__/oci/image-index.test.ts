import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ActionError } from '../../src/errors.js';
import { composeIndex, indexAnnotations, type MergePart } from '../../src/oci/image-index.js';
import { platformDigests } from '../../src/oci/manifest.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

function image(arch: string, variant?: string): MergePart {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${arch.padEnd(64, '0')}`,
      size: 400,
    },
    layers: [],
  });
  return {
    digest: digestOf(manifest),
    mediaType: OCI_MANIFEST,
    manifest,
    platform: { os: 'linux', architecture: arch, ...(variant ? { variant } : {}) },
  };
}

/** A single-platform build with provenance: an index of the image and its attestation manifest. */
function withAttestation(part: MergePart): MergePart {
  const attestation = `sha256:${'e'.repeat(64)}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: OCI_MANIFEST, digest: part.digest, size: part.manifest.length, platform: part.platform },
      {
        mediaType: OCI_MANIFEST,
        digest: attestation,
        size: 800,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.digest': part.digest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
      },
    ],
  });
  return { digest: digestOf(manifest), mediaType: 'application/vnd.oci.image.index.v1+json', manifest };
}

describe('composeIndex', () => {
  const amd = image('amd64');
  const arm = image('arm64');

  it('lists exactly the parts, with their platforms and byte sizes; digest is of the bytes', () => {
    const index = composeIndex([amd, arm], {});
    const parsed = JSON.parse(index.manifest);
    expect(parsed).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: amd.digest,
          size: Buffer.byteLength(amd.manifest),
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: arm.digest,
          size: Buffer.byteLength(arm.manifest),
          platform: { os: 'linux', architecture: 'arm64' },
        },
      ],
    });
    expect(index.digest).toBe(digestOf(index.manifest));
    expect(platformDigests(index, 'unused')).toEqual({
      'linux/amd64': amd.digest,
      'linux/arm64': arm.digest,
    });
  });

  it('is deterministic: the same parts give the same digest (a re-run is a no-op)', () => {
    const a = composeIndex([amd, arm], {
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.created': '2026-01-01T00:00:00Z',
    });
    const b = composeIndex([amd, arm], {
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.created': '2026-12-01T20:00:00Z',
    });
    expect(a.digest).toBe(b.digest);
    expect(JSON.parse(a.manifest).annotations).toEqual({ 'org.opencontainers.image.revision': 'abc' });
  });

  it('a part that is an index (provenance): its entries are carried, attestations included, not as platforms', () => {
    const arm7 = image('arm', 'v7');
    const index = composeIndex([withAttestation(amd), arm7], {});
    const entries = JSON.parse(index.manifest).manifests as { digest: string; platform: { os: string } }[];
    expect(entries.map((e) => e.digest)).toEqual([amd.digest, `sha256:${'e'.repeat(64)}`, arm7.digest]);
    expect(platformDigests(index, 'unused')).toEqual({
      'linux/amd64': amd.digest,
      'linux/arm/v7': arm7.digest,
    });
  });

  it.each([
    [
      'two images of one platform',
      () => composeIndex([amd, { ...image('amd64'), digest: `sha256:${'f'.repeat(64)}` }], {}),
      'MergeDuplicatePlatform',
    ],
    [
      'an image whose platform is unknown',
      () => composeIndex([{ ...amd, platform: undefined }], {}),
      'MergePlatformUnknown',
    ],
  ])('%s → %s', (_name, run, code) => {
    expect(run).toThrow(ActionError);
    try {
      run();
    } catch (error) {
      expect((error as ActionError).code).toBe(code);
    }
  });

  it('the same digest listed twice is listed once', () => {
    const index = composeIndex([amd, amd, arm], {});
    expect(JSON.parse(index.manifest).manifests).toHaveLength(2);
  });
});

describe('indexAnnotations', () => {
  it.each([
    [
      { 'org.opencontainers.image.source': 'https://github.com/o/r' },
      { 'org.opencontainers.image.source': 'https://github.com/o/r' },
    ],
    [{ 'index:org.opencontainers.image.title': 't' }, { 'org.opencontainers.image.title': 't' }],
    [{ 'manifest:org.opencontainers.image.title': 't' }, {}],
    [{ 'org.opencontainers.image.created': '2026-12-01T00:00:00Z' }, {}],
  ])('%j → %j', (given, expected) => {
    expect(indexAnnotations(given)).toEqual(expected);
  });
});
