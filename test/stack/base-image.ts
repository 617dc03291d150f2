/**
 * A runnable base image made on the spot (no base image can be pulled offline): Debian's static
 * busybox as /bin/busybox, /bin/sh linked to it, in one layer, linux/amd64, OCI media types. The
 * daemon stores it in the private registry so that builds `FROM` it need a login made before the
 * step. Its RUN steps need `--network none` (`network: none`): neither engine has a bridge here.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MEDIA_TYPES, type RegistryClient } from './registry-client.js';

const BUSYBOX = '/bin/busybox';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The layer as an uncompressed tar, reproducible (sorted, owner 0, mtime 0). */
function rootfsTar(): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebp-base-'));
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, 'tmp'), { mode: 0o1777 });
    fs.copyFileSync(BUSYBOX, path.join(dir, 'bin', 'busybox'));
    fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
    fs.symlinkSync('busybox', path.join(dir, 'bin', 'sh'));
    // prettier-ignore
    return execFileSync('tar', [
      '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0',
      '-C', dir, '-cf', '-', '.',
    ], { maxBuffer: 64 * 1024 * 1024 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Pushes the base image to `repository:tag` through `client`; returns the manifest digest. */
export async function pushBaseImage(
  client: RegistryClient,
  repository: string,
  tag: string,
): Promise<string> {
  const tar = rootfsTar();
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created_by: 'ecr-build-push local stack: busybox base image' }],
    }),
  );
  await client.putBlob(repository, sha256(layer), layer);
  await client.putBlob(repository, sha256(config), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: sha256(layer),
          size: layer.length,
        },
      ],
    }),
  );
  return client.putManifest(repository, tag, manifest, MEDIA_TYPES.ociManifest);
}
