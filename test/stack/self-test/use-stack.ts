/**
 * For the self-test files that need the running stack (root, port 443, /etc/hosts, both engines):
 * starts it before the file's tests unless it runs; the suite's global setup stops it at the end.
 */
import { beforeAll } from 'vitest';
import { ensureStackUp } from '../env.js';

export function useStack(): void {
  beforeAll(async () => {
    await ensureStackUp();
  }, 300_000);
}
