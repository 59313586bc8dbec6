import { createHash } from 'node:crypto';
import type { IdSource } from '../../core/ids.js';

/** IONOS formats, drawn from `ctx.ids` (deterministic under ID_SEED). */
const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function ionosIds(ids: IdSource) {
  return {
    /** Resource ids are UUIDs. */
    accessKeyId: () => ids.uuid(),
    /** 92 characters, like `00000Du4KiV8A1tGUbjI2Ky1YmXq…Pouw`. */
    accessKey: () => `00000${ids.fromAlphabet(ACCESS_KEY_ALPHABET, 87)}`,
    /** 40 characters of the base64 alphabet, like an S3 secret. */
    secretKey: () => ids.fromAlphabet(SECRET_ALPHABET, 40),
  };
}

/** A 32-hex canonical user id derived from the user id (stable across namespaces and restarts). */
export function canonicalUserIdFor(userId: string): string {
  return createHash('md5').update(`ionos-canonical:${userId}`).digest('hex');
}

/** A stable name-based (version 5 layout) UUID, for collection ids. */
export function nameUuid(name: string): string {
  const b = createHash('sha1').update(name).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
