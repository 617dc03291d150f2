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
 * naming the same digest (or of the digest itself) goes through. ECR has no such window, so:
 * - a manifest PUT or DELETE runs alone in its repository, after the writes queued before it and
 *   once the reads in progress are done; manifest reads run together, after the writes queued
 *   before them. The PUT is also where an immutable tag's existence check is made atomic with the
 *   write (ECR refuses the second of two racing pushes of one tag);
 * - a blob's link is written by the PUT that ends its upload, a cross-repository mount or a
 *   DELETE: such a write runs alone for that blob (its reads wait) and, as a reader of the
 *   repository, never beside a manifest PUT, which verifies the layers it names. Uploads of other
 *   blobs, and reads of them, go on meanwhile (a large layer does not hold up the others).
 */
import { setTimeout as sleep } from 'node:timers/promises';

const writes = new Map<string, Promise<void>>();
const readers = new Map<string, number>();

export function repositoryKey(port: number, repository: string): string {
  return `${port} ${repository}`;
}

/** Whether a registry API request reads or writes a repository's links, and which ones. */
export interface LinkAccess {
  repository: string;
  access: 'read' | 'write';
  /** The blob whose link alone it touches; absent for manifest requests. */
  blob?: string;
}

/** Registry API paths: repository, then reference, digest or upload id. Names are greedy: the last
 *  segment of each suffix cannot contain a slash. */
export const MANIFEST = /^\/v2\/(.+)\/manifests\/([^/]+)$/;
export const BLOB = /^\/v2\/(.+)\/blobs\/([a-z0-9+._-]+:[a-zA-Z0-9=_-]+)$/;
export const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/;

/**
 * Starting an upload and sending its chunks touch only the upload's own files: they are neither.
 * The PUT that ends an upload links the blob into the repository, as a POST with `mount=` does.
 */
export function linkAccess(method: string, url: URL): LinkAccess | undefined {
  const { pathname, searchParams } = url;
  let m = MANIFEST.exec(pathname);
  if (m) {
    if (method === 'GET' || method === 'HEAD') return { repository: m[1]!, access: 'read' };
    if (method === 'PUT' || method === 'DELETE') return { repository: m[1]!, access: 'write' };
    return undefined;
  }
  m = BLOB.exec(pathname);
  if (m) {
    if (method === 'GET' || method === 'HEAD') return { repository: m[1]!, access: 'read', blob: m[2]! };
    if (method === 'DELETE') return { repository: m[1]!, access: 'write', blob: m[2]! };
    return undefined;
  }
  m = UPLOAD.exec(pathname);
  if (!m) return undefined;
  const blob =
    method === 'PUT' && m[2] !== ''
      ? searchParams.get('digest')
      : method === 'POST'
        ? searchParams.get('mount')
        : null;
  return blob === null ? undefined : { repository: m[1]!, access: 'write', blob };
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

/** `run` in its place among the reads and writes of the links it touches of the backend at `port`. */
export function ordered<T>(port: number, link: LinkAccess | undefined, run: () => Promise<T>): Promise<T> {
  if (!link) return run();
  const repository = repositoryKey(port, link.repository);
  if (link.blob === undefined)
    return link.access === 'write' ? exclusiveWrite(repository, run) : sharedRead(repository, run);
  const blob = `${repository} blob ${link.blob}`;
  return link.access === 'write'
    ? sharedRead(repository, () => exclusiveWrite(blob, run))
    : sharedRead(blob, run);
}
