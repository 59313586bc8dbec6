import type { IdSource } from '../../core/ids.js';

/**
 * Exoscale id and secret formats (vendor notes §2.2): a key is `EXO` + 24 hex characters (27 in
 * all), a secret 43 characters (base64url of 32 random bytes, the emulator's assumption), role and
 * operation ids are UUIDs.
 */
export const exoscaleIds = {
  key: (ids: IdSource): string => `EXO${ids.hex(24)}`,
  secret: (ids: IdSource): string => ids.bytes(32).toString('base64url'),
  operation: (ids: IdSource): string => ids.uuid(),
  role: (ids: IdSource): string => ids.uuid(),
};
