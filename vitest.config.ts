import { defineConfig } from 'vitest/config';

// The container smoke (test/packaging/container.smoke.ts) builds the app and installs it as the Dockerfile
// does: too slow for every `npm test`. It runs only when CONTAINER_SMOKE_INSTALL is set
// (`npm run smoke:container`, `npm run smoke:container:npm-ci`; `.ci/run` runs the latter after `npm test`).
const containerSmoke = process.env.CONTAINER_SMOKE_INSTALL
  ? [{ extends: true as const, test: { name: 'container-smoke', include: ['test/packaging/container.smoke.ts'], sequence: { groupOrder: 1 } } }]
  : [];

// The package smoke (test/packaging/package.smoke.ts) packs a fresh copy of the repository and installs the
// tarball into a scratch project from the npm registry: `npm run smoke:package`, run by `.ci/run`.
const packageSmoke = process.env.PACKAGE_SMOKE
  ? [{ extends: true as const, test: { name: 'package-smoke', include: ['test/packaging/package.smoke.ts'], sequence: { groupOrder: 1 } } }]
  : [];

// The fast loop (`npm run test:unit`): core, vendors, control plane, the layout rules and the test helpers,
// all in-process (app.inject, or a socket on port 0) — no child processes, packaging, benchmarks or
// scaling checks over big worlds (test/reliability). Each file builds one app (test/helpers/use-test-app.ts).
// `npm test` runs it and the rest ('tests'); a new test file outside these folders lands in 'tests'.
const UNIT = ['test/core/**/*.test.ts', 'test/vendors/**/*.test.ts', 'test/helpers/**/*.test.ts', 'test/control-plane.test.ts', 'test/architecture.test.ts'];

export default defineConfig({
  cacheDir: '.tmp/vite',
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share one module graph per worker: the suite imports src/ a few times instead of once per
    // file (about half the run time). Tests share no state through modules: each builds its own app.
    isolate: false,
    // One directory per run for the coverage matrix, a recorder of every vendor response (test/conformance/),
    // and every response serialised by zod and by the compiled serialiser, compared (test/helpers/response-checks.ts).
    globalSetup: ['test/conformance/global-setup.ts'],
    setupFiles: ['test/conformance/record-responses.ts', 'test/helpers/response-checks.ts'],
    projects: [
      // The unit files share nothing and spawn nothing: two workers even where the default (cores − 1) is one.
      // They run first (groupOrder 0); the rest, which start processes and browsers, then on the default.
      { extends: true, test: { name: 'unit', include: UNIT, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'tests', include: ['test/**/*.test.ts'], exclude: [...UNIT, 'test/coverage-matrix.test.ts'], sequence: { groupOrder: 1 } } },
      // Runs after every other test file (groupOrder), reading what they recorded: docs/coverage.md must be current.
      { extends: true, test: { name: 'coverage-matrix', include: ['test/coverage-matrix.test.ts'], sequence: { groupOrder: 2 } } },
      ...containerSmoke,
      ...packageSmoke,
    ],
  },
});
