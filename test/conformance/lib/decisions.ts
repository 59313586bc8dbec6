import type { Vendor } from './specs.js';

/**
 * Decisions the conformance suite and the coverage matrix both read. Every entry has a reason; the
 * matrix prints them. An operation of a vendor's document that is not listed in NOT_IMPLEMENTED is
 * claimed by the emulator, and the suite fails when it is missing from `openapi/<vendor>.json`.
 */
export interface NotImplemented {
  vendor: Vendor;
  /** Spec operation key, `METHOD /path/{}` (parameter names removed). */
  op: string;
  reason: string;
}

export const NOT_IMPLEMENTED: NotImplemented[] = [];

/**
 * Known, accepted differences between an emulator response and the vendor's schema for it: the
 * vendor's own document is incomplete or wrong there, and the emulator follows the live API or the
 * research notes instead. A validation failure that matches an entry is reported in the matrix, not
 * failed on.
 */
export interface AcceptedDeviation {
  vendor: Vendor;
  /** Spec operation key, or undefined for every operation of the vendor. */
  op?: string;
  status: number;
  /** The vendor error code of the response, when the deviation is about one code. */
  code?: string;
  reason: string;
}

export const ACCEPTED_DEVIATIONS: AcceptedDeviation[] = [
  ...(['invalid_argument', 'missing_required_argument', 'invalid_json_body'] as const).map((code) => ({
    vendor: 'katapult' as const,
    status: 400,
    code,
    reason: `Apia's built-in \`${code}\` (400) is sent by the live API but not drawn in the spec, whose 400 schemas allow only \`missing_api_token\` (notes §1.6)`,
  })),
];

export function notImplemented(vendor: Vendor, op: string): NotImplemented | undefined {
  return NOT_IMPLEMENTED.find((n) => n.vendor === vendor && n.op === op);
}

export function acceptedDeviation(vendor: Vendor, op: string, status: number, code: string | undefined): AcceptedDeviation | undefined {
  return ACCEPTED_DEVIATIONS.find((d) => d.vendor === vendor && (d.op === undefined || d.op === op) && d.status === status && (d.code === undefined || d.code === code));
}

/**
 * Findings of the suite that are known and not fixed here (the conformance engineer does not change vendor
 * code): each matches failure messages of the operation check, the fault probes or the schema validation by
 * a regular expression. `accepted`: the emulator is right to differ (reason given); `gap`: the emulator
 * should change, and the owner is told. An entry that matches nothing while its vendor's suite runs fails
 * the suite (it was fixed: remove it).
 */
export interface KnownFinding {
  vendor: Vendor;
  kind: 'accepted' | 'gap';
  match: RegExp;
  reason: string;
}

export const KNOWN_FINDINGS: KnownFinding[] = [
  {
    vendor: 'katapult',
    kind: 'accepted',
    match: /^[A-Z]+ \S+: required (body properties|query parameters) \[[^\]]*\] differ from the vendor's/,
    reason:
      "Apia reads arguments from the query string and the JSON body merged (notes §1.1), so any argument may come from either: the emulator's route schemas cannot require a body or query property, and the handler enforces the spec's required arguments itself (400 `missing_required_argument`)",
  },
  {
    vendor: 'exoscale',
    kind: 'accepted',
    match: /^POST \/access-key: required body properties \[name\] differ from the vendor's \[\]/,
    reason:
      'create-access-key documents a body with no required property, but every client sends `name` (egoscale takes it as an argument, the Terraform resource requires it) and a key is listed and shown by it; the emulator refuses a key without `name` (400), an assumption written in the README',
  },
];

export function knownFinding(vendor: Vendor, message: string): KnownFinding | undefined {
  return KNOWN_FINDINGS.find((f) => f.vendor === vendor && f.match.test(message));
}
