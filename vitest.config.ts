import { defineConfig } from 'vitest/config';

// The entry points only wire the runner to main (and the CLI's process handling); main and
// every phase have unit suites, the entry points are covered by the e2e suite through dist/.
const ENTRY_POINTS = [
  'src/action.ts',
  'src/post.ts',
  'src/cli.ts',
  'src/top-level.ts',
  'src/entry/*.ts',
  'src/aws/sdk.ts',
];
// The CLI's process shell (terminal, signals, help, git, CI event): __tests__/cli.test.ts runs it
// by spawning the bundle, out of this process's coverage.
const CLI_SHELL = 'src/cli/{ci-event,git,help,processes,run,supervise,terminal,text-summary}.ts';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    environment: 'node',
    coverage: {
      enabled: true,
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: [...ENTRY_POINTS, CLI_SHELL],
      reporter: ['text-summary', ['text', { skipFull: true }]],
      thresholds: { perFile: true, lines: 80 },
    },
  },
});
