import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * What one `vitest run` leaves for the coverage matrix, in a directory made by the global setup
 * (`CONFORMANCE_RUN_DIR`, under .tmp/, removed at the end of the run):
 *
 * - `file-<hash>.json` — one per test file: its path and every vendor response it caused, as
 *   (vendor, method, operationId, status), taken from the request journal by the setup file
 *   test/conformance/record-responses.ts;
 * - `conformance-<vendor>.json` — what the conformance suite observed for a vendor: each response of the
 *   scripted flows and fault probes with the spec operation, status, whether a fault forced it, and the
 *   result of validating it against the vendor's schema.
 */
export const RUN_DIR_ENV = 'CONFORMANCE_RUN_DIR';

export function runDir(): string | undefined {
  return process.env[RUN_DIR_ENV] || undefined;
}

export interface RecordedResponse {
  vendor: string;
  method: string;
  operation: string | null;
  status: number;
}

export interface FileRecord {
  file: string;
  responses: RecordedResponse[];
}

export interface Observation {
  vendor: string;
  /** The spec operation key (`METHOD /path/{}`). */
  op: string;
  status: number;
  /** The `x-emulator-fault` value that forced it, if any. */
  fault?: string;
  /** The step of the flow or probe. */
  step: string;
  /** Was there a vendor schema to validate against? */
  checked: boolean;
  errors: string[];
  /** The vendor error code in the body, where the vendor has one. */
  code?: string;
}

export interface ConformanceRecord {
  vendor: string;
  /** Why the flows did not run (vendor still a placeholder, or no VENDOR_SPECS_DIR). */
  skipped?: string;
  observations: Observation[];
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

export function writeFileRecord(record: FileRecord): void {
  const dir = runDir();
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `file-${hash(record.file)}.json`), JSON.stringify(record));
}

export function writeConformanceRecord(record: ConformanceRecord): void {
  const dir = runDir();
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `conformance-${record.vendor}.json`), JSON.stringify(record));
}

export function readRunRecords(dir: string): { files: FileRecord[]; conformance: ConformanceRecord[] } {
  const files: FileRecord[] = [];
  const conformance: ConformanceRecord[] = [];
  for (const name of readdirSync(dir).sort()) {
    const data = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (name.startsWith('file-')) files.push(data);
    else if (name.startsWith('conformance-')) conformance.push(data);
  }
  return { files, conformance };
}
