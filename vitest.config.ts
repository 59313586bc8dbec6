import { defineConfig } from 'vitest/config';

export default defineConfig({
  cacheDir: '.tmp/vite',
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One directory per run for the coverage matrix, and a recorder of every vendor response (test/conformance/).
    globalSetup: ['test/conformance/global-setup.ts'],
    setupFiles: ['test/conformance/record-responses.ts'],
    projects: [
      { extends: true, test: { name: 'tests', include: ['test/**/*.test.ts'], exclude: ['test/coverage-matrix.test.ts'] } },
      // Runs after every other test file (groupOrder), reading what they recorded: docs/coverage.md must be current.
      { extends: true, test: { name: 'coverage-matrix', include: ['test/coverage-matrix.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
