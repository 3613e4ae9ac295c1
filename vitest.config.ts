import { defineConfig } from 'vitest/config';

// Unit and service tests run in parallel; end-to-end tests drive real Chromium, Xvfb, PulseAudio and ffmpeg, so
// they run one file at a time on the 2-core machines we have. A JSON report is always written for CI (.ci/run).
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        extends: true,
        test: {
          // The service's tests, on both databases: one Postgres server for the whole run (globalSetup); each test
          // file makes its own databases on it and its own PGlite folders (test/helpers/databases.ts).
          name: 'service',
          include: ['test/service/**/*.test.ts'],
          globalSetup: ['test/helpers/databaseSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
