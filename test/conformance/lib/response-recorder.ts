import type { Journal, JournalEntry } from '../../../src/core/journal.js';
import type { RecordedResponse } from './run-records.js';

/**
 * Every vendor response of the test file now running, as (vendor, method, operationId, status), for the
 * coverage matrix's "covered by a test" column. Test files share modules within a worker (vitest
 * `isolate: false`), so the setup file (record-responses.ts) starts a new map for each file and the
 * journal listeners write into whichever map is current.
 */
const CURRENT = Symbol.for('accesskey-emulator.test.recordedResponses');
type Holder = { [CURRENT]?: Map<string, RecordedResponse> };

/** A new, empty record for the file about to run; returns it. */
export function startFileRecord(): Map<string, RecordedResponse> {
  const responses = new Map<string, RecordedResponse>();
  (globalThis as Holder)[CURRENT] = responses;
  return responses;
}

const record = (entry: JournalEntry): void => {
  const r: RecordedResponse = { vendor: entry.vendor, method: entry.method, operation: entry.operation, status: entry.status };
  (globalThis as Holder)[CURRENT]?.set(`${r.vendor} ${r.method} ${r.operation} ${r.status}`, r);
};

/**
 * Records every response `journal` sees from now on (each request passes through it: the vendor plugin's
 * `onResponse`); returns the unsubscribe. test/helpers/build-app.ts calls it for every app it builds;
 * a test that makes its runtime another way calls it itself.
 */
export function recordResponsesOf(journal: Journal): () => void {
  return journal.subscribe(record);
}

/** Records journal entries read back (an emulator started with `startEmulator`, whose runtime a test cannot reach). */
export function recordEntries(entries: readonly JournalEntry[]): void {
  for (const entry of entries) record(entry);
}
