import type { IdSource } from '../../core/ids.js';

/**
 * IBM COS formats. Generated keys follow IBM's examples: access key and secret are both 32
 * lowercase hex characters (`a42a27755ce6442596b049bd7dd8a563` / `71faf1d40bb24c82b479b1c6fbbd9f0c`).
 * The transaction id and timestamp headers are OpenStack Swift's (`generate_trans_id`, `Timestamp.normal`).
 */
export const ibmIds = {
  accessKey: (ids: IdSource): string => ids.hex(32),
  secretKey: (ids: IdSource): string => ids.hex(32),
  /** `tx` + 21 hex + `-` + the Unix time in 10 zero-padded hex digits (Swift `'tx%s-%010x'`). */
  transId: (ids: IdSource, nowMs: number): string => `tx${ids.hex(21)}-${Math.floor(nowMs / 1000).toString(16).padStart(10, '0')}`,
};

/** Swift's normalized timestamp, `'%016.05f' % unix_time`, e.g. `1458262564.22774`. */
export function swiftTimestamp(nowMs: number): string {
  return (nowMs / 1000).toFixed(5).padStart(16, '0');
}

/** The HTTP `Date` header (IMF-fixdate) for an epoch time. */
export function httpDate(nowMs: number): string {
  return new Date(nowMs).toUTCString();
}
