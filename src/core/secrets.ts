import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret a client gave with the stored one in constant time: the time taken does not
 * depend on where the two differ (equal-length buffers are always compared in full).
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}
