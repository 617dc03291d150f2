/**
 * Ordering of manifest writes and reads per backend repository:tag, shared by the registry proxy
 * and the AWS emulator (one process). docker-registry's filesystem storage rewrites a tag's link
 * file in place (truncate, then write), so a read of the tag during a write can find it empty and
 * answers HTTP 500; and its own "does the tag exist" check cannot be made atomic with the PUT from
 * outside. Writes of one key run one at a time and wait for the reads in progress; reads run
 * together, after the writes queued before them. Only a PUT holds the key exclusively: a read
 * never blocks another read (an exclusive lock around reads made DescribeImages of a racing run
 * wait on, and then race, the winner's next tag write).
 */
import { setTimeout as sleep } from 'node:timers/promises';

const writes = new Map<string, Promise<void>>();
const readers = new Map<string, number>();

export function manifestKey(port: number, repository: string, reference: string): string {
  return `${port} ${repository}:${reference}`;
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
