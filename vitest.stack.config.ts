import { defineConfig } from 'vitest/config';

// The local stack's own tests (test/stack/self-test): the AWS emulator, the registry proxy and the
// emulator against a real docker-registry in-process; the engines on the running stack (root, under
// the e2e lock). `npm test` tests the action, `npm run e2e` tests dist/, this tests the stack.
export default defineConfig({
  test: {
    include: ['test/stack/self-test/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    globalSetup: ['test/stack/self-test/global-setup.ts'],
  },
});
