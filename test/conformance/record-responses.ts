import { relative } from 'node:path';
import { afterAll, expect } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { startFileRecord } from './lib/response-recorder.js';
import { writeFileRecord } from './lib/run-records.js';

/**
 * Vitest setup file (vitest.config.ts `setupFiles`): writes what this test file's apps answered, for the
 * coverage matrix. The apps' journals report every vendor response to a listener
 * (test/conformance/lib/response-recorder.ts; test/helpers/build-app.ts subscribes it to every app it
 * builds). The file is written even when nothing was recorded, so the matrix can tell a full run from a
 * filtered one.
 */
const responses = startFileRecord();

const testPath = expect.getState().testPath;
const file = testPath ? relative(PACKAGE_ROOT, testPath).split('\\').join('/') : 'unknown';
writeFileRecord({ file, responses: [] });

afterAll(() => {
  writeFileRecord({ file, responses: [...responses.values()].sort((a, b) => `${a.vendor} ${a.operation} ${a.status}`.localeCompare(`${b.vendor} ${b.operation} ${b.status}`)) });
});
