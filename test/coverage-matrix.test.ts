import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { vendorSpecsDir } from './helpers/build-app.js';
import { buildMatrix } from './conformance/lib/matrix.js';
import { operationMismatches } from './conformance/lib/operations.js';
import { readRunRecords, runDir } from './conformance/lib/run-records.js';
import { emulatorDocument, loadVendorSpecs, type Vendor, VENDORS } from './conformance/lib/specs.js';

/**
 * docs/coverage.md must be what the code and this test run produce. This file runs after every other test
 * file (vitest.config.ts, project `coverage-matrix`, groupOrder 1) and reads what they recorded. Only a
 * full run can judge it: a filtered run, or one without VENDOR_SPECS_DIR, skips with a message.
 * `npm run coverage:matrix` runs the whole suite with COVERAGE_MATRIX=write, which writes the file instead.
 */
const MATRIX = join(PACKAGE_ROOT, 'docs', 'coverage.md');
const SELF = 'test/coverage-matrix.test.ts';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) out.push(relative(PACKAGE_ROOT, path).split('\\').join('/'));
  }
  return out;
}

it('docs/coverage.md is current (run `npm run coverage:matrix` after changing a vendor or its tests)', (ctx) => {
  const write = process.env.COVERAGE_MATRIX === 'write';
  const skip = (why: string) => {
    // `npm run coverage:matrix` must not pass without writing the file.
    if (write) throw new Error(`cannot write docs/coverage.md: ${why}`);
    return ctx.skip(`coverage matrix not checked: ${why}`);
  };
  const specsDir = vendorSpecsDir();
  const run = runDir();
  if (!specsDir || !run || !existsSync(run)) return skip(!specsDir ? 'VENDOR_SPECS_DIR is not set' : 'no run records');
  const records = readRunRecords(run);
  const seen = new Set(records.files.map((f) => f.file));
  const missing = testFiles(join(PACKAGE_ROOT, 'test')).filter((f) => f !== SELF && !seen.has(f));
  if (missing.length > 0) return skip(`a filtered run (${missing.length} test files did not run, e.g. ${missing[0]})`);
  const specs = loadVendorSpecs(specsDir);
  const replayFile = 'test/vendors/katapult/replay.test.ts';
  const replaySource = existsSync(join(PACKAGE_ROOT, replayFile)) ? readFileSync(join(PACKAGE_ROOT, replayFile), 'utf8') : '';
  const recorded = JSON.parse(readFileSync(join(specsDir, 'katapult-recorded-interactions.json'), 'utf8')) as { scenarios: Record<string, unknown> };
  const scenarios = Object.keys(recorded.scenarios).map((k) => k.split('/').pop()!.replace(/\.cassette\.yaml$/, ''));
  const markdown = buildMatrix({
    replay: { scenarios, file: replayFile, replayed: scenarios.filter((n) => replaySource.includes(`'${n}'`)), ran: seen.has(replayFile) },
    specs,
    emulatorDocs: Object.fromEntries(VENDORS.map((v) => [v, emulatorDocument(v)])) as Record<Vendor, ReturnType<typeof emulatorDocument>>,
    files: records.files.filter((f) => f.file !== SELF),
    conformance: records.conformance,
    operationMismatches: Object.fromEntries(VENDORS.map((v) => [v, operationMismatches(v, specs)])) as Record<Vendor, string[]>,
  });
  if (write) {
    writeFileSync(MATRIX, markdown);
    console.log(`wrote ${relative(PACKAGE_ROOT, MATRIX)}`);
    return;
  }
  const committed = existsSync(MATRIX) ? readFileSync(MATRIX, 'utf8') : '';
  expect(committed, 'docs/coverage.md is stale: run `npm run coverage:matrix`').toBe(markdown);
});
