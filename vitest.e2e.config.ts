import { defineConfig } from 'vitest/config';

// The end-to-end suite drives dist/ against the local stack (test/stack): a real
// Docker engine, buildx, registry, OIDC issuer and AWS emulator. Files share one
// stack, so they run one at a time.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    globalSetup: ['e2e/global-setup.ts'],
  },
});
