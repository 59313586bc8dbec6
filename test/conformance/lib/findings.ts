import { acceptedDeviation } from './decisions.js';
import type { Observation } from './run-records.js';
import type { Vendor } from './specs.js';

/**
 * The messages the suite fails with and the matrix lists, built in one place so that KNOWN_FINDINGS
 * (decisions.ts) matches both the same way.
 */

/** A response whose body does not validate against the vendor's schema (and is no accepted deviation). */
export function validationFailure(o: Observation): string | undefined {
  if (o.errors.length === 0 || acceptedDeviation(o.vendor as Vendor, o.op, o.status, o.code)) return undefined;
  return `${o.step}: ${o.op} ${o.status}${o.code ? ` ${o.code}` : ''}${o.fault ? ` (fault ${o.fault})` : ''}: ${o.errors.join('; ')}`;
}

/** A fault probe that did not produce what it asked for (the status, or for a code: that code). */
export function faultFailure(o: Observation, expectedStatus: string): string | undefined {
  if (o.fault === undefined) return undefined;
  const byStatus = /^\d{3}$/.test(o.fault);
  if (String(o.status) === expectedStatus && (byStatus || o.code === o.fault)) return undefined;
  return `${o.op} x-emulator-fault: ${o.fault} → ${o.status}${byStatus ? '' : ` ${o.code ?? ''}`}`.trim();
}
