/**
 * For the self-test files that need the running stack (root, port 443, /etc/hosts, both engines):
 * starts it before the file's tests, as the e2e suite's global setup does, and stops it afterwards
 * if this file started it. The in-process tests (emulator, proxy) do without it.
 */
import { afterAll, beforeAll } from 'vitest';
import setup from '../../../e2e/global-setup.js';

export function useStack(): void {
  let teardown: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    teardown = await setup();
  }, 300_000);
  afterAll(async () => {
    await teardown?.();
  }, 60_000);
}
