/**
 * Peak memory of the copy to an extra registry (issue 16: ≤ 150 MB while copying a 1 GiB layer).
 *
 * Seeds an image whose one layer is LAYER_BYTES of random data straight into the registry backend
 * (streamed: the bench holds no more of it than one chunk), then copies it to another repository
 * through the stack's TLS registry front in a fresh Node process running the action's own copy
 * code, and reads that process's peak RSS. A copy of a tiny image gives the baseline (Node, the
 * code, a TLS connection).
 */
import { build } from 'esbuild';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ACCOUNT, HOST, registryPassword } from '../e2e/support.js';
import { RegistryClient } from '../src/oci/registry-client.js';
import { exec } from './docker.js';

export interface CopyMemory {
  layerBytes: number;
  peakRssBytes: number;
  /** The same process copying a 1 KiB layer. */
  baselineRssBytes: number;
  copyMs: number;
}

const CHUNK = 1024 * 1024;
const MEDIA = 'application/vnd.oci.image.manifest.v1+json';

/** Deterministic random bytes (AES-CTR keystream), generated chunk by chunk, so they can be hashed and then sent. */
function* keystream(key: Buffer, total: number): Generator<Buffer> {
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let sent = 0; sent < total; sent += CHUNK)
    yield cipher.update(zeros.subarray(0, Math.min(CHUNK, total - sent)));
}

const sha256 = (data: Iterable<Buffer>) => {
  const hash = createHash('sha256');
  for (const chunk of data) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
};

/** An image with one layer of `bytes` random bytes in `repository`; returns the manifest digest. */
async function seed(repository: string, bytes: number): Promise<string> {
  const backend = new RegistryClient(
    HOST,
    { username: 'AWS', password: registryPassword() },
    { baseUrl: `http://127.0.0.1:${ACCOUNT.backendPort}` },
  );
  const key = randomBytes(32);
  const layer = sha256(keystream(key, bytes));
  // The action's own streamed upload: the bench holds one chunk at a time.
  await backend.putBlob(repository, { digest: layer, size: bytes }, async () => ({
    body: Readable.from(keystream(key, bytes)),
  }));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer] } }),
  );
  const configDigest = sha256([config]);
  await backend.putBlob(repository, { digest: configDigest, size: config.length }, async () => ({
    body: Readable.from([config]),
  }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: bytes }],
    }),
  );
  await backend.putManifest(repository, 'seed', manifest, MEDIA);
  return sha256([manifest]);
}

/** Bundles copy-child.ts the way dist/ is bundled (one ES module, minified), into a temporary dir. */
async function bundleChild(): Promise<{ file: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-bench-copy-'));
  const file = join(dir, 'copy-child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'copy-child.ts')],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
  });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

async function copyOnce(
  child: string,
  env: Record<string, string>,
  from: string,
  to: string,
  digest: string,
): Promise<{ ms: number; peakRssBytes: number }> {
  const job = { host: HOST, username: 'AWS', password: registryPassword(), from, to, digest };
  const out = await exec(process.execPath, [child], {
    env: { ...process.env, ...env, BENCH_COPY: JSON.stringify(job) },
  });
  return JSON.parse(out.stdout) as { ms: number; peakRssBytes: number };
}

/**
 * `repos(n)` gives n repository names that exist in the emulator (the TLS front answers only for
 * those). `env` is the stack's (NODE_EXTRA_CA_CERTS for its CA).
 */
export async function measureCopyMemory(
  layerBytes: number,
  repos: (prefix: string) => Promise<[string, string]>,
  env: Record<string, string>,
): Promise<CopyMemory> {
  const child = await bundleChild();
  try {
    const [tinyFrom, tinyTo] = await repos('copy-tiny');
    const tiny = await copyOnce(child.file, env, tinyFrom, tinyTo, await seed(tinyFrom, 1024));
    const [from, to] = await repos('copy-big');
    const big = await copyOnce(child.file, env, from, to, await seed(from, layerBytes));
    return {
      layerBytes,
      peakRssBytes: big.peakRssBytes,
      baselineRssBytes: tiny.peakRssBytes,
      copyMs: big.ms,
    };
  } finally {
    child.dispose();
  }
}
