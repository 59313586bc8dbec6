import { ACCEPTED_DEVIATIONS, acceptedDeviation, knownFinding, NOT_IMPLEMENTED, notImplemented } from './decisions.js';
import { faultFailure, validationFailure } from './findings.js';
import type { ConformanceRecord, FileRecord, Observation } from './run-records.js';
import { emulatorOperations, type JsonObject, SPEC_FILES, type SpecOperation, statusMatches, type Vendor, VENDORS, type VendorSpecs } from './specs.js';
// The S3 rows: the plane's own operation list (as the journal names them, `s3:<Operation>`).
import { S3_OPERATIONS } from '../../../src/s3/plane.js';

export interface ReplayCoverage {
  /** Scenario names of katapult-recorded-interactions.json (file name without `.cassette.yaml`). */
  scenarios: string[];
  /** The replay test file, and the scenarios its source names. */
  file: string;
  replayed: string[];
  /** Did that file run in this test run? */
  ran: boolean;
}

export interface MatrixInput {
  replay?: ReplayCoverage;
  specs: VendorSpecs;
  /** openapi/<vendor>.json of each vendor. */
  emulatorDocs: Record<Vendor, JsonObject>;
  /** What the test files recorded (test/conformance/record-responses.ts). */
  files: FileRecord[];
  /** What the conformance suite observed, per vendor. */
  conformance: ConformanceRecord[];
  /** Problems the operation check (part a) found, per vendor. */
  operationMismatches: Record<Vendor, string[]>;
}

const YES = '✓';
const NO = '✗';
const NA = '–';
const BAD = '⚠';

/** Test files whose responses count for the "tested" column: every test file except the conformance suite's own. */
export const isVendorTestFile = (file: string) => !file.startsWith('test/conformance/');

interface Row {
  op: SpecOperation;
  emulatorId: string | undefined;
  status: string;
  implemented: boolean;
  natural: string;
  fault: string;
  tested: string;
}

interface VendorSection {
  vendor: Vendor;
  /** Routes of the emulator that the vendor's documents do not have. */
  extras: Array<{ key: string; operationId: string | undefined }>;
  skipped: string | undefined;
  rows: Row[];
  undocumented: Array<{ op: string; status: number; how: string }>;
  gaps: string[];
  deviations: string[];
}

function cellFor(observations: Observation[], vendor: Vendor, status: string, isError: boolean, faulted: boolean): string {
  const seen = observations.filter((o) => statusMatches(status, o.status) && (o.fault !== undefined) === faulted);
  if (seen.length === 0) return faulted && !isError ? NA : NO;
  const invalid = seen.filter((o) => o.errors.length > 0 && !acceptedDeviation(vendor, o.op, o.status, o.code));
  return invalid.length === seen.length ? BAD : YES;
}

function section(vendor: Vendor, input: MatrixInput): VendorSection {
  const record = input.conformance.find((c) => c.vendor === vendor);
  const skipped = record?.skipped ?? (record ? undefined : 'the conformance suite did not run for it');
  const emulatorOps = emulatorOperations(input.emulatorDocs[vendor]);
  const emulatorByKey = new Map(emulatorOps.map((o) => [o.key, o]));
  // operationId (+ method) of the emulator's routes → spec key, to read the journal records.
  const keyOfOperation = new Map(emulatorOps.map((o) => [`${o.method} ${o.operationId}`, o.key]));
  const tested = new Map<string, Set<number>>();
  for (const file of input.files.filter((f) => isVendorTestFile(f.file))) {
    for (const r of file.responses.filter((x) => x.vendor === vendor && x.operation)) {
      const key = keyOfOperation.get(`${r.method} ${r.operation}`);
      if (!key) continue;
      if (!tested.has(key)) tested.set(key, new Set());
      tested.get(key)!.add(r.status);
    }
  }
  const observations = record?.observations ?? [];
  const rows: Row[] = [];
  const gaps: string[] = [];
  const deviations = new Set<string>();
  const undocumented = new Map<string, { op: string; status: number; how: Set<string> }>();
  const knownGaps = new Map<string, number>();
  /** A failure: explained by KNOWN_FINDINGS (an accepted deviation, or a known gap counted once), or a gap as it stands. */
  const finding = (text: string, matchOn = text) => {
    const known = knownFinding(vendor, matchOn) ?? knownFinding(vendor, text);
    if (known?.kind === 'accepted') deviations.add(known.reason);
    else if (known) knownGaps.set(known.reason, (knownGaps.get(known.reason) ?? 0) + 1);
    else gaps.push(text);
  };

  for (const op of input.specs.operations[vendor]) {
    const mine = emulatorByKey.get(op.key);
    const skip = notImplemented(vendor, op.key);
    const obs = observations.filter((o) => o.op === op.key);
    if (!mine) {
      rows.push({ op, emulatorId: undefined, status: op.statuses.join(', '), implemented: false, natural: NA, fault: NA, tested: NA });
      if (!skip) gaps.push(`\`${op.key}\` (${op.operationId}): not implemented${skipped ? ` (${skipped})` : ''}`);
      continue;
    }
    for (const status of op.statuses) {
      const isError = /^[45]/.test(status);
      const natural = cellFor(obs, vendor, status, isError, false);
      const fault = isError ? cellFor(obs, vendor, status, isError, true) : NA;
      const testedCell = [...(tested.get(op.key) ?? [])].some((s) => statusMatches(status, s)) ? YES : NO;
      rows.push({ op, emulatorId: mine.operationId, status, implemented: true, natural, fault, tested: testedCell });
      if (!skipped && natural !== YES && fault !== YES) {
        gaps.push(`\`${op.key}\` ${status}: not reached, neither naturally nor by \`x-emulator-fault\`${natural === BAD || fault === BAD ? ' with a body that validates' : ''}`);
      }
    }
    for (const o of obs) {
      if (!op.statuses.some((s) => statusMatches(s, o.status))) {
        const k = `${op.key} ${o.status}`;
        if (!undocumented.has(k)) undocumented.set(k, { op: op.key, status: o.status, how: new Set() });
        undocumented.get(k)!.how.add(o.fault !== undefined ? 'fault' : 'natural');
      }
      const expected = o.fault === undefined ? undefined : /^\d{3}$/.test(o.fault) ? o.fault : Object.keys(op.errorCodes).find((st) => op.errorCodes[st]!.includes(o.fault!)) ?? '';
      const accepted = o.errors.length > 0 ? acceptedDeviation(vendor, o.op, o.status, o.code) : undefined;
      if (accepted) deviations.add(`${o.status}${o.code ? ` \`${o.code}\`` : ''}: ${accepted.reason}`);
      for (const failure of [validationFailure(o), expected === undefined ? undefined : faultFailure(o, expected)]) {
        if (failure) finding(failure);
      }
    }
  }
  for (const m of input.operationMismatches[vendor] ?? []) if (!/missing from openapi/.test(m)) finding(`operation check: ${m}`, m);
  for (const [reason, count] of knownGaps) gaps.push(`${reason} (${count} finding${count === 1 ? '' : 's'})`);
  const documented = new Set(input.specs.operations[vendor].map((o) => o.key));
  return {
    vendor,
    extras: emulatorOps.filter((o) => !documented.has(o.key)).map((o) => ({ key: o.key, operationId: o.operationId })).sort((a, b) => a.key.localeCompare(b.key)),
    skipped,
    rows,
    undocumented: [...undocumented.values()].map((u) => ({ op: u.op, status: u.status, how: [...u.how].sort().join(', ') })).sort((a, b) => `${a.op} ${a.status}`.localeCompare(`${b.op} ${b.status}`)),
    gaps: [...new Set(gaps)],
    deviations: [...deviations].sort(),
  };
}

const code = (s: string) => `\`${s}\``;

/** Per S3 operation and vendor, the statuses the vendors' own tests (and test/s3) got from the plane. */
function s3Section(files: FileRecord[]): string[] {
  const seen = new Map<string, Set<number>>();
  for (const file of files.filter((f) => isVendorTestFile(f.file))) {
    for (const r of file.responses.filter((x) => x.operation?.startsWith('s3:'))) {
      const k = `${r.vendor} ${r.operation}`;
      if (!seen.has(k)) seen.set(k, new Set());
      seen.get(k)!.add(r.status);
    }
  }
  const out = ['', '## S3 data plane', '', "Per S3 operation (DESIGN.md §6) and vendor endpoint (`/s3/<vendor>`): the statuses a test got from it (the journal's `s3:<Operation>`), ✗ when none did. The plane is one implementation over each vendor's keys and buckets (`src/s3/`, `src/vendors/<id>/s3.ts`); it has no OpenAPI document.", ''];
  out.push(`| operation | ${VENDORS.join(' | ')} |`);
  out.push(`|---|${VENDORS.map(() => '---').join('|')}|`);
  for (const op of S3_OPERATIONS) {
    const cells = VENDORS.map((v) => {
      const statuses = [...(seen.get(`${v} s3:${op}`) ?? [])].sort((a, b) => a - b);
      return statuses.length ? statuses.join(', ') : NO;
    });
    out.push(`| ${code(op)} | ${cells.join(' | ')} |`);
  }
  return out;
}

/** docs/coverage.md, from the vendor documents, the emulator's generated documents and what the tests recorded. */
export function buildMatrix(input: MatrixInput): string {
  const sections = VENDORS.map((v) => section(v, input));
  const out: string[] = [];
  out.push('# Coverage matrix');
  out.push('');
  out.push('<!-- Generated by `npm run coverage:matrix` (test/conformance/lib/matrix.ts). Do not edit: test/coverage-matrix.test.ts fails when this file is stale. -->');
  out.push('');
  out.push("Per vendor, per operation of the vendor's own documents, per documented status code: is it implemented, reachable, and covered by a test. Generated from the code and the test run, never edited by hand.");
  out.push('');
  out.push('## How each column is decided');
  out.push('');
  out.push("- **Operations and statuses** come from the vendor's documents in `VENDOR_SPECS_DIR` (Katapult `katapult-openapi-subset.json`; IONOS `ionos-objectstorage-management-openapi.yaml`; Exoscale `exoscale-openapi-subset.json` (2024) and `exoscale-openapi-subset-2026.json`, merged) and, for the vendors that publish no specification (IBM, Krutrim), from the table in `test/conformance/lib/documented-tables.ts`, written from the research notes. `2XX` is a success the vendor documents without a code.");
  out.push('- **implemented**: the operation (method, and path after the mount with parameter names ignored) is in `openapi/<vendor>.json`, which is generated from the route schemas.');
  out.push("- **natural**: the conformance suite's scripted flows (`test/conformance/<vendor>.test.ts`: create → read → list → update/rotate → delete, and the errors a client meets) got this status without `x-emulator-fault`.");
  out.push("- **fault**: `x-emulator-fault: <status>` on this operation produced this status (and, for Katapult, `x-emulator-fault: <code>` produced every error code the spec documents for it). Faults force errors only, so success rows show –.");
  out.push("- In both, the response body was validated against the vendor's schema for that operation and status (ajv, formats on). ⚠ means it was reached but its body does not validate (see the gaps). Katapult's spec draws error bodies unwrapped while the live API wraps them in `{\"error\": …}`: for Katapult errors `body.error` is validated.");
  out.push("- **tested**: a test file outside `test/conformance/` (the vendors' own behavioural tests) got a response from this operation with this status. Every vendor response of every test file is recorded from the request journal by the vitest setup file `test/conformance/record-responses.ts`; whether a fault forced it is not recorded.");
  out.push('- ✓ yes · ✗ no · – not applicable.');
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push('| vendor | documented operations | implemented | deliberately not implemented | documented statuses (implemented operations) | reachable naturally | reachable only by fault | not reachable | covered by a vendor test | gaps |');
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const s of sections) {
    const ops = new Set(s.rows.map((r) => r.op.key));
    const implemented = new Set(s.rows.filter((r) => r.implemented).map((r) => r.op.key));
    const deliberate = NOT_IMPLEMENTED.filter((n) => n.vendor === s.vendor).length;
    const live = s.rows.filter((r) => r.implemented);
    const natural = live.filter((r) => r.natural === YES).length;
    const faultOnly = live.filter((r) => r.natural !== YES && r.fault === YES).length;
    const none = live.filter((r) => r.natural !== YES && r.fault !== YES).length;
    const tested = live.filter((r) => r.tested === YES).length;
    out.push(`| ${s.vendor}${s.skipped ? ` (${s.skipped})` : ''} | ${ops.size} | ${implemented.size} | ${deliberate} | ${live.length} | ${natural} | ${faultOnly} | ${none} | ${tested} | ${s.gaps.length} |`);
  }
  for (const s of sections) {
    out.push('');
    out.push(`## ${s.vendor}`);
    out.push('');
    const sources = SPEC_FILES[s.vendor].length ? SPEC_FILES[s.vendor].map(code).join(', ') + ' (in `VENDOR_SPECS_DIR`)' : '`test/conformance/lib/documented-tables.ts` (the vendor publishes no specification)';
    out.push(`Documents: ${sources}. Emulator document: \`openapi/${s.vendor}.json\`.`);
    if (s.skipped) {
      out.push('');
      out.push(`**Not checked yet: ${s.skipped}.**`);
    }
    out.push('');
    out.push('| operation | emulator operationId | status | implemented | natural | fault | tested |');
    out.push('|---|---|---|---|---|---|---|');
    let last = '';
    for (const r of s.rows) {
      const first = r.op.key !== last;
      last = r.op.key;
      const name = first ? `${code(r.op.key)}<br>${r.op.operationId}` : '';
      const mine = first ? (r.emulatorId ? code(r.emulatorId) : r.implemented ? '(none)' : '') : '';
      out.push(`| ${name} | ${mine} | ${r.status} | ${r.implemented ? YES : NO} | ${r.natural} | ${r.fault} | ${r.tested} |`);
    }
    const skips = NOT_IMPLEMENTED.filter((n) => n.vendor === s.vendor);
    if (skips.length) {
      out.push('');
      out.push('Deliberately not implemented:');
      out.push('');
      for (const n of skips) out.push(`- ${code(n.op)}: ${n.reason}`);
    }
    if (s.extras.length) {
      out.push('');
      out.push("Emulator operations beyond the vendor's documents (from the research notes or the issues):");
      out.push('');
      for (const e of s.extras) out.push(`- ${code(e.key)}${e.operationId ? ` (${code(e.operationId)})` : ''}`);
    }
    if (s.undocumented.length) {
      out.push('');
      out.push("Statuses the emulator sent in the conformance run that the vendor's documents do not list for the operation:");
      out.push('');
      out.push('| operation | status | how |');
      out.push('|---|---|---|');
      for (const u of s.undocumented) out.push(`| ${code(u.op)} | ${u.status} | ${u.how} |`);
    }
    if (s.deviations.length) {
      out.push('');
      out.push("Accepted deviations from the vendor's schema (the emulator follows the live API there):");
      out.push('');
      for (const d of s.deviations) out.push(`- ${d}`);
    }
    out.push('');
    out.push(`Gaps: ${s.gaps.length === 0 ? 'none.' : ''}`);
    if (s.gaps.length) {
      out.push('');
      for (const g of s.gaps) out.push(`- ${g}`);
    }
  }
  out.push(...s3Section(input.files));
  if (input.replay) {
    const r = input.replay;
    out.push('');
    out.push('## Recorded Katapult traffic');
    out.push('');
    out.push(`\`katapult-recorded-interactions.json\` (live API, via the Terraform provider's cassettes) is replayed in order, ids mapped, comparing statuses and body shapes and validating bodies against the spec, by the Katapult vendor's own test ${code(r.file)}${r.ran ? '' : ' (which did not run in this test run)'}; the conformance suite does not replay it a second time.`);
    out.push('');
    out.push('| scenario | replayed |');
    out.push('|---|---|');
    for (const name of r.scenarios) out.push(`| ${name} | ${r.replayed.includes(name) ? YES : NO} |`);
  }
  out.push('');
  out.push('## Accepted deviations (all vendors)');
  out.push('');
  for (const d of ACCEPTED_DEVIATIONS) out.push(`- ${d.vendor}${d.op ? ` ${code(d.op)}` : ''} ${d.status}${d.code ? ` ${code(d.code)}` : ''}: ${d.reason}`);
  out.push('');
  return out.join('\n');
}
