import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { RUN_DIR_ENV } from './lib/run-records.js';

/**
 * Vitest global setup: one directory per `vitest run` for what the coverage matrix reads
 * (test/conformance/lib/run-records.ts). The forked test workers inherit the variable.
 */
export default function setup(): () => void {
  if (process.env[RUN_DIR_ENV]) return () => {};
  mkdirSync(join(PACKAGE_ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(PACKAGE_ROOT, '.tmp', 'conformance-run-'));
  process.env[RUN_DIR_ENV] = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    delete process.env[RUN_DIR_ENV];
  };
}
