import { hash, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/**
 * Compares a secret a client gave with the stored one in constant time: the time taken does not
 * depend on where the two differ (equal-length buffers are always compared in full).
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}

/**
 * The SHA-256 of a bearer credential (UTF-8), as 64 lower-case hex digits. Tokens that are presented
 * alone (no identifier beside them) are looked up by this digest, never by their value: the time an
 * index lookup takes then depends on the digest, which tells an attacker nothing about the secret.
 * Deterministic, so the same token always finds the same row; about a microsecond per call.
 */
export function secretDigest(value: string): string {
  return hash('sha256', value, 'hex');
}

/** The SQL name of {@link secretDigest}, for migrations that fill a digest column from stored values. */
export const SECRET_DIGEST_SQL = 'secret_digest';

/** Registers `secret_digest(text)` on a connection: the same digest as {@link secretDigest}, NULL for NULL. */
export function registerSecretDigest(db: Database): void {
  db.function(SECRET_DIGEST_SQL, { deterministic: true }, (value: unknown) => (typeof value === 'string' ? secretDigest(value) : null));
}
