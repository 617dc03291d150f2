/**
 * Ordering of the requests that read and write docker-registry's link files, per backend
 * repository; shared by the registry proxy and the AWS emulator (one process).
 *
 * Distribution's filesystem storage keeps, under each repository, one small link file per tag, per
 * manifest revision and per layer, and rewrites them in place (truncate, then write) on every
 * manifest PUT and every blob upload, also when the content is the same. A read that meets a link
 * during such a rewrite finds it empty and answers HTTP 500 ("invalid checksum digest format"), or a
 * manifest PUT that verifies its layers fails with DIGEST_INVALID. The rewrite of one link is seen
 * through others: a PUT of tag `b` rewrites the revision link of its digest, which a read of tag `a`
 * naming the same digest (or of the digest itself) goes through. ECR has no such window, so every
 * write of a repository (manifest PUT or DELETE, blob upload commit, cross-repository mount) runs
 * alone, after the writes queued before it and once the reads in progress are done; reads run
 * together, after the writes queued before them. A PUT is also where an immutable tag's existence
 * check must be atomic with the write (ECR refuses the second of two racing pushes of one tag).
 */
import { setTimeout as sleep } from 'node:timers/promises';

const writes = new Map<string, Promise<void>>();
const readers = new Map<string, number>();

export function repositoryKey(port: number, repository: string): string {
  return `${port} ${repository}`;
}

/** Whether a registry API request reads or writes a repository's links, and which repository. */
export interface LinkAccess {
  repository: string;
  access: 'read' | 'write';
}

// Names are greedy: the last segment of each suffix cannot contain a slash.
const MANIFEST = /^\/v2\/(.+)\/manifests\/[^/]+$/;
const BLOB = /^\/v2\/(.+)\/blobs\/[a-z0-9+._-]+:[a-zA-Z0-9=_-]+$/;
const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/;

/**
 * Starting an upload and sending its chunks touch only the upload's own files: they are neither.
 * The PUT that ends an upload links the blob into the repository, as a POST with `mount=` does.
 */
export function linkAccess(method: string, url: URL): LinkAccess | undefined {
  const { pathname, searchParams } = url;
  let m = MANIFEST.exec(pathname) ?? BLOB.exec(pathname);
  if (m) {
    if (method === 'GET' || method === 'HEAD') return { repository: m[1]!, access: 'read' };
    if (method === 'PUT' || method === 'DELETE') return { repository: m[1]!, access: 'write' };
    return undefined;
  }
  m = UPLOAD.exec(pathname);
  if (!m) return undefined;
  const commit = method === 'PUT' && m[2] !== '';
  const mount = method === 'POST' && searchParams.has('mount');
  return commit || mount ? { repository: m[1]!, access: 'write' } : undefined;
}

/** Runs `write` alone for `key`: after the writes queued before it, once no read of the key runs. */
export async function exclusiveWrite<T>(key: string, write: () => Promise<T>): Promise<T> {
  const previous = writes.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  writes.set(key, tail);
  await previous;
  while ((readers.get(key) ?? 0) > 0) await sleep(2);
  try {
    return await write();
  } finally {
    release();
    if (writes.get(key) === tail) writes.delete(key);
  }
}

/** Runs `read` once the writes of `key` queued before it are done; reads do not wait for each other. */
export async function sharedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  for (let pending = writes.get(key); pending; pending = writes.get(key)) await pending;
  readers.set(key, (readers.get(key) ?? 0) + 1);
  try {
    return await read();
  } finally {
    const left = (readers.get(key) ?? 1) - 1;
    if (left) readers.set(key, left);
    else readers.delete(key);
  }
}

/** `run` as the read or the write it is for `key`, or as it is when it touches no link. */
export function ordered<T>(
  key: string,
  access: LinkAccess['access'] | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (access === 'write') return exclusiveWrite(key, run);
  if (access === 'read') return sharedRead(key, run);
  return run();
}
