import { relative } from 'node:path';
import { afterAll, expect } from 'vitest';
import { Journal, type JournalRecord } from '../../src/core/journal.js';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { type RecordedResponse, writeFileRecord } from './lib/run-records.js';

/**
 * Vitest setup file (vitest.config.ts `setupFiles`): records every vendor response of this test file,
 * as (vendor, method, operationId, status), for the coverage matrix's "covered by a test" column.
 *
 * It reads the request journal, which every vendor request passes through (src/http/vendor-plugin.ts
 * `onResponse`), by wrapping `Journal.prototype.record`; the journal itself is unchanged. Test files
 * share modules within a worker (vitest `isolate: false`), so the wrapper is installed once per Journal
 * class and records into the map of the file now running. The file is written even when nothing was
 * recorded, so the matrix can tell a full run from a filtered one.
 */
const CURRENT = Symbol.for('accesskey-emulator.test.recordedResponses');
type Recorder = { [CURRENT]?: Map<string, RecordedResponse>; [WRAPPED]?: true };
const WRAPPED = Symbol.for('accesskey-emulator.test.journalWrapped');

const responses = new Map<string, RecordedResponse>();
(globalThis as Recorder)[CURRENT] = responses;
const proto = Journal.prototype as Journal & Recorder;
if (!proto[WRAPPED]) {
  const original = proto.record;
  proto.record = function record(this: Journal, entry: JournalRecord) {
    const r: RecordedResponse = { vendor: entry.vendor, method: entry.method, operation: entry.operation, status: entry.status };
    (globalThis as Recorder)[CURRENT]?.set(`${r.vendor} ${r.method} ${r.operation} ${r.status}`, r);
    return original.call(this, entry);
  };
  proto[WRAPPED] = true;
}

const testPath = expect.getState().testPath;
const file = testPath ? relative(PACKAGE_ROOT, testPath).split('\\').join('/') : 'unknown';
writeFileRecord({ file, responses: [] });

afterAll(() => {
  writeFileRecord({ file, responses: [...responses.values()].sort((a, b) => `${a.vendor} ${a.operation} ${a.status}`.localeCompare(`${b.vendor} ${b.operation} ${b.status}`)) });
});
